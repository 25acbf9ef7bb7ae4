import { emptyResponse, errors, jsonBody, schemaRef, type ApiArea } from './common.js';

/** The SMTP server check (a Wharf extension: Harbor 1.x's `POST /api/email/ping`, gone from Harbor 2). */
export const EMAIL_AREA: ApiArea = {
  tag: {
    name: 'email',
    description:
      'The SMTP server that sends password reset links (the `email_*` configurations). System administrators.',
  },
  paths: {
    '/email/ping': {
      post: {
        operationId: 'pingEmailServer',
        summary: 'Check the SMTP server',
        description:
          'Connects to the SMTP server and logs in, sending nothing. The given settings are tried over the stored ' +
          'ones (absent: the stored value), so a change can be checked before it is saved.',
        tags: ['email'],
        requestBody: { ...jsonBody('Settings to try.', schemaRef('EmailSettings')), required: false },
        responses: {
          '200': emptyResponse('The server accepted the connection and the login.'),
          ...errors(400, 403),
        },
      },
    },
  },
  schemas: {
    EmailSettings: {
      type: 'object',
      additionalProperties: false,
      description: 'The `email_*` configurations to try; `null` or absent: the stored value.',
      properties: {
        email_host: { type: 'string', nullable: true, maxLength: 255 },
        email_port: { type: 'integer', minimum: 1, maximum: 65535, nullable: true },
        email_username: { type: 'string', nullable: true, maxLength: 255 },
        email_password: { type: 'string', nullable: true, description: 'Empty: none.' },
        email_from: { type: 'string', nullable: true, maxLength: 255 },
        email_ssl: { type: 'boolean', nullable: true },
        email_insecure: { type: 'boolean', nullable: true },
        email_identity: { type: 'string', nullable: true, maxLength: 255 },
      },
    },
  },
};
