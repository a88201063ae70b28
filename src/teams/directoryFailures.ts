import { noticeCard } from '../cards/infoCards';
import type { CardJson } from '../cards/render';
import type { DirectoryFailure, DirectoryFailureCode } from '../directory/directoryFailure';

const TITLES: Readonly<Record<DirectoryFailureCode, string>> = {
  'sign-in-required': 'Please sign in again',
  'wrong-tenant': 'Wrong Microsoft Entra tenant',
  'wrong-account': 'Signed in as someone else',
  'access-denied': 'Azure refused',
  'not-found': 'Not found in Azure',
  throttled: 'Azure is busy',
  unavailable: 'Azure is not answering',
  timeout: 'Azure is not answering',
  'principal-not-found': 'User not found in Azure yet',
  'unexpected-response': 'Unexpected answer from Azure',
};

/** A read-only card for a directory that could not answer; its message says what to do. */
export function directoryFailureCard(failure: DirectoryFailure): CardJson {
  return noticeCard(TITLES[failure.code], failure.message);
}
