import { emptyResponse, errors, integerId, jsonBody, pathParameter, type ApiArea } from './common.js';

/** OIDC (oidc/): the CLI secret and the provider check; the login endpoints are under /c/oidc, outside the API. */
export const OIDC_AREA: ApiArea = {
  tag: { name: 'oidc', description: 'OpenID Connect single sign-on: CLI secrets and the provider check.' },
  paths: {
    '/users/{user_id}/cli_secret': {
      put: {
        operationId: 'setCliSecret',
        summary: 'Set a user’s CLI secret',
        description:
          'Only under oidc_auth, for users onboarded through OIDC; the user themselves or a system administrator. ' +
          'The old secret stops working at once. The secret must follow the password rule (8+ characters, an ' +
          'upper-case letter, a lower-case letter and a digit).',
        tags: ['oidc'],
        parameters: [pathParameter('user_id', 'The user’s id.', integerId('The user’s id.'))],
        requestBody: jsonBody('The new secret.', {
          type: 'object',
          required: ['secret'],
          properties: { secret: { type: 'string', description: 'The new secret.' } },
        }),
        responses: { '200': emptyResponse('Set.'), ...errors(400, 403, 404, 412) },
      },
    },
    '/system/oidc/ping': {
      post: {
        operationId: 'pingOIDC',
        summary: 'Check an OIDC endpoint',
        description: 'System administrators: reads the endpoint’s OpenID discovery document.',
        tags: ['oidc'],
        requestBody: jsonBody('The endpoint.', {
          type: 'object',
          required: ['url'],
          properties: {
            url: { type: 'string', description: 'The issuer URL.' },
            verify_cert: { type: 'boolean', description: 'Verify its certificate (default true).' },
          },
        }),
        responses: { '200': emptyResponse('The endpoint answers.'), ...errors(400, 403) },
      },
    },
  },
  schemas: {},
};
