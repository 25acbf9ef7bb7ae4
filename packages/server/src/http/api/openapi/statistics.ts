import { errors, jsonResponse, schemaRef, type ApiArea, type SchemaObject } from './common.js';

const count = (description: string): SchemaObject => ({ type: 'integer', format: 'int64', minimum: 0, description });

/** GET /statistics: project and repository counts. */
export const STATISTICS_AREA: ApiArea = {
  tag: { name: 'statistic', description: 'Counts of projects, repositories and storage.' },
  paths: {
    '/statistics': {
      get: {
        operationId: 'getStatistic',
        summary: 'Project and repository counts',
        description:
          'Public projects and repositories count for everyone; private ones only as far as the caller sees them ' +
          '(all for system administrators, else the caller’s own). The totals and the storage are given only to ' +
          'callers who see every project, and are 0 for everyone else.',
        tags: ['statistic'],
        responses: { '200': jsonResponse('The counts.', schemaRef('Statistic')), ...errors() },
      },
    },
  },
  schemas: {
    Statistic: {
      type: 'object',
      required: [
        'private_project_count',
        'private_repo_count',
        'public_project_count',
        'public_repo_count',
        'total_project_count',
        'total_repo_count',
        'total_storage_consumption',
      ],
      properties: {
        private_project_count: count('Private projects the caller sees.'),
        private_repo_count: count('Repositories in those projects.'),
        public_project_count: count('Public projects.'),
        public_repo_count: count('Repositories in public projects.'),
        total_project_count: count('All projects (0 unless the caller sees every project).'),
        total_repo_count: count('All repositories (0 unless the caller sees every project).'),
        total_storage_consumption: count('Bytes of all stored blobs (0 unless the caller sees every project).'),
      },
    },
  },
};
