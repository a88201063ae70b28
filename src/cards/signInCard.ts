import signInJson from '../../cards/signIn.json';
import { renderCard, template, type CardJson } from './render';

export interface SignInCardData {
  readonly title: string;
  readonly message: string;
  readonly buttonTitle: string;
  /** The command that continues once the user is signed in. */
  readonly command: string;
  /** The service the button signs in to. */
  readonly audience: string;
}

export const signInTemplate = template<SignInCardData>('sign-in', signInJson);

/** Asks for a further sign-in with a button; pressing it signs in and runs `command`. */
export function signInCard(data: SignInCardData): CardJson {
  return renderCard(signInTemplate, data);
}
