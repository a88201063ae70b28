/**
 * Where delivery says what became of notifications: fields for programs, a sentence for people. The
 * process's logger fits it; delivery needs nothing more of logging.
 */
export interface DeliveryLog {
  debug(fields: Readonly<Record<string, unknown>>, message: string): void;
  info(fields: Readonly<Record<string, unknown>>, message: string): void;
  warn(fields: Readonly<Record<string, unknown>>, message: string): void;
  error(fields: Readonly<Record<string, unknown>>, message: string): void;
}
