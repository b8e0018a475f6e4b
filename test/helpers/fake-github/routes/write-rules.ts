import { FakeAnswerError, type FakeRequest } from '../answers.ts';

/** The author of what a request writes: the token's user, or the App's bot for an installation. */
export function authorOf(req: FakeRequest): string {
  return req.identity.kind === 'installation' ? 'previewd[bot]' : 'previewd-user';
}

/** A 422 as GitHub words it for a field over its length limit. */
export function tooLong(resource: string, field: string, limit: number): FakeAnswerError {
  return new FakeAnswerError(422, 'Validation Failed', { errors: [{ resource, code: 'custom', field, message: `${field} is too long (maximum is ${limit} characters)` }] });
}

/** GitHub refuses commit and deployment status descriptions over 140 characters. */
export function descriptionTooLong(resource: 'Status' | 'DeploymentStatus'): FakeAnswerError {
  return tooLong(resource, 'description', 140);
}
