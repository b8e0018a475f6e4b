/**
 * Webhook secret rotation's rules between variables: the previous secret needs its deadline and a new
 * secret to rotate to. No value is quoted: both are secrets.
 */
export function rotationProblems(given: Record<string, string>): string[] {
  const has = (name: string): boolean => given[name] !== undefined;
  const problems: string[] = [];
  if (has('WEBHOOK_SECRET_PREVIOUS') && !has('WEBHOOK_SECRET_PREVIOUS_UNTIL')) {
    problems.push('WEBHOOK_SECRET_PREVIOUS_UNTIL: not set, but WEBHOOK_SECRET_PREVIOUS is: say until when the previous secret is accepted (an RFC 3339 time such as 2026-12-01T12:00:00Z)');
  }
  if (has('WEBHOOK_SECRET_PREVIOUS_UNTIL') && !has('WEBHOOK_SECRET_PREVIOUS')) {
    problems.push('WEBHOOK_SECRET_PREVIOUS: not set, but WEBHOOK_SECRET_PREVIOUS_UNTIL is: set the secret being rotated out, or unset WEBHOOK_SECRET_PREVIOUS_UNTIL');
  }
  if (has('WEBHOOK_SECRET_PREVIOUS') && !has('WEBHOOK_SECRET')) {
    problems.push('WEBHOOK_SECRET: not set, but WEBHOOK_SECRET_PREVIOUS is: rotation needs the new secret in WEBHOOK_SECRET');
  }
  if (has('WEBHOOK_SECRET_PREVIOUS') && given.WEBHOOK_SECRET_PREVIOUS === given.WEBHOOK_SECRET) {
    problems.push('WEBHOOK_SECRET_PREVIOUS: the same as WEBHOOK_SECRET (not shown: secrets): set the new secret in WEBHOOK_SECRET and the old one here');
  }
  return problems;
}
