import {
  PAGING,
  dateTime,
  emptyResponse,
  errors,
  integerId,
  jsonBody,
  jsonResponse,
  pagedResponse,
  parameterRef,
  pathParameter,
  schemaRef,
  type ApiArea,
  type ParameterObject,
  type SchemaObject,
} from './common.js';
import { PROJECT_NAME, REPOSITORY_NAME } from './repositories.js';

const REFERENCE = pathParameter('reference', 'The artifact: one of its tags, or its digest (`sha256:...`).', {
  type: 'string',
  minLength: 1,
});
const ADDITION = pathParameter(
  'addition',
  'The addition, as Harbor names it (matched case-insensitively). Images have `build_history`; Helm charts ' +
    '`values.yaml`, `readme.md` and `dependencies`. Harbor’s `sbom`, `license` and `files` exist on no Wharf ' +
    'artifact yet.',
  { type: 'string', enum: ['build_history', 'values.yaml', 'readme.md', 'dependencies', 'sbom', 'license', 'files'] },
);
const TAG_NAME = pathParameter('tag_name', 'The tag.', { type: 'string', minLength: 1 });

function flag(name: string, description: string, fallback: boolean): ParameterObject {
  return {
    name,
    in: 'query',
    description: `${description} (\`true\`/\`1\` or \`false\`/\`0\`).`,
    schema: { type: 'boolean', default: fallback },
  };
}

/** What an artifact shows besides its own fields. */
const VIEW_FLAGS: readonly ParameterObject[] = [
  flag('with_tag', 'Include `tags`', true),
  flag('with_label', 'Include `labels`', false),
  flag('with_accessory', 'Include `accessories`', false),
  flag('with_scan_overview', 'Accepted for compatibility; ignored', false),
  flag('with_sbom_overview', 'Accepted for compatibility; ignored', false),
  flag('with_signature', 'Accepted for compatibility; ignored', false),
  flag('with_immutable_status', 'Compute each tag’s `immutable` from the project’s immutable tag rules', false),
];

const ARTIFACT = ['artifact'];
const BASE = '/projects/{project_name}/repositories/{repository_name}/artifacts';
const ONE = [PROJECT_NAME, REPOSITORY_NAME, REFERENCE];

/** Never pulled: Harbor's zero time. */
const pullTime = (what: string): SchemaObject =>
  dateTime(`When ${what} was last pulled; \`0001-01-01T00:00:00.000Z\` when never.`);

const stringMap = (description: string): SchemaObject => ({
  type: 'object',
  description,
  additionalProperties: { type: 'string' },
});

/** /projects/{project_name}/repositories/{repository_name}/artifacts...: artifacts and their tags. */
export const ARTIFACTS_AREA: ApiArea = {
  tag: { name: 'artifact', description: 'Artifacts (manifests and indexes) of a repository, and their tags.' },
  paths: {
    [BASE]: {
      get: {
        operationId: 'listArtifacts',
        summary: 'List a repository’s artifacts',
        description:
          'Tagged artifacts and those no index of the repository contains. `q` keys: `tags` (`tags=*` tagged ' +
          'only, `tags=nil` untagged only, otherwise a tag name), `digest`, `media_type`, `type`. `sort` keys: ' +
          '`id`, `push_time`, `pull_time`, `digest`; newest push first by default.',
        tags: ARTIFACT,
        parameters: [
          PROJECT_NAME,
          REPOSITORY_NAME,
          parameterRef('Query'),
          parameterRef('Sort'),
          ...PAGING,
          ...VIEW_FLAGS,
        ],
        responses: { '200': pagedResponse('One page of artifacts.', schemaRef('Artifact')), ...errors(400, 403, 404) },
      },
    },
    [`${BASE}/{reference}`]: {
      get: {
        operationId: 'getArtifact',
        summary: 'An artifact',
        tags: ARTIFACT,
        parameters: [...ONE, ...VIEW_FLAGS],
        responses: { '200': jsonResponse('The artifact.', schemaRef('Artifact')), ...errors(400, 403, 404) },
      },
      delete: {
        operationId: 'deleteArtifact',
        summary: 'Delete an artifact',
        description:
          'Deletes its tags and accessories too and, for an index, the children no tag and no other index keep. ' +
          'An artifact that an index of the repository contains is refused (409): delete the index first.',
        tags: ARTIFACT,
        parameters: ONE,
        responses: { '200': emptyResponse('Deleted.'), ...errors(400, 403, 404, 409) },
      },
    },
    [`${BASE}/{reference}/accessories`]: {
      get: {
        operationId: 'listAccessories',
        summary: 'List an artifact’s accessories',
        description:
          'Artifacts of the repository whose `subject` is this one: signatures, SBOMs and other attached ' +
          'artifacts. `q` keys: `type` (`signature.cosign`, `signature.notation`, `harbor.sbom`, ' +
          '`subject.accessory`), `digest`. `sort` keys: `id`, `creation_time`, `digest`; newest first by default.',
        tags: ARTIFACT,
        parameters: [...ONE, parameterRef('Query'), parameterRef('Sort'), ...PAGING],
        responses: {
          '200': pagedResponse('One page of accessories.', schemaRef('Accessory')),
          ...errors(400, 403, 404),
        },
      },
    },
    [`${BASE}/{reference}/additions/{addition}`]: {
      get: {
        operationId: 'getAddition',
        summary: 'An addition of an artifact',
        description:
          'Content read from the artifact: an image’s `build_history` (the `history` of its config, JSON), a Helm ' +
          'chart’s `values.yaml` (text/plain), `readme.md` (text/markdown) and `dependencies` (from Chart.yaml, or ' +
          'requirements.yaml for apiVersion v1; JSON). An addition the artifact’s type does not have is refused ' +
          'with 400, as Harbor does; a chart without that file answers 404.',
        tags: ARTIFACT,
        parameters: [...ONE, ADDITION],
        responses: {
          '200': {
            description: 'The addition’s content.',
            headers: { 'X-Request-Id': { $ref: '#/components/headers/XRequestId' } },
            content: {
              'application/json': {
                schema: {
                  anyOf: [
                    { type: 'array', items: schemaRef('BuildHistoryEntry') },
                    { type: 'array', items: schemaRef('ChartDependency') },
                  ],
                },
              },
              'text/plain': { schema: { type: 'string', description: 'values.yaml as it is in the chart.' } },
              'text/markdown': { schema: { type: 'string', description: 'README.md as it is in the chart.' } },
            },
          },
          ...errors(400, 403, 404),
        },
      },
    },
    [`${BASE}/{reference}/tags`]: {
      get: {
        operationId: 'listTags',
        summary: 'List an artifact’s tags',
        description: '`q` key: `name`. `sort` keys: `id`, `name`, `push_time`, `pull_time`.',
        tags: ARTIFACT,
        parameters: [
          ...ONE,
          parameterRef('Query'),
          parameterRef('Sort'),
          ...PAGING,
          flag('with_immutable_status', 'Compute each tag’s `immutable` from the project’s immutable tag rules', false),
        ],
        responses: { '200': pagedResponse('One page of tags.', schemaRef('Tag')), ...errors(400, 403, 404) },
      },
      post: {
        operationId: 'createTag',
        summary: 'Tag an artifact',
        description: 'A name the repository already uses is refused (409), not moved. No `Location` is returned.',
        tags: ARTIFACT,
        parameters: ONE,
        requestBody: jsonBody('The new tag.', schemaRef('NewTag')),
        responses: { '201': emptyResponse('Tagged.'), ...errors(400, 403, 404, 409) },
      },
    },
    [`${BASE}/{reference}/tags/{tag_name}`]: {
      delete: {
        operationId: 'deleteTag',
        summary: 'Remove a tag from an artifact',
        description: 'The artifact itself stays.',
        tags: ARTIFACT,
        parameters: [...ONE, TAG_NAME],
        responses: { '200': emptyResponse('Removed.'), ...errors(400, 403, 404) },
      },
    },
  },
  schemas: {
    Artifact: {
      type: 'object',
      required: [
        'id',
        'type',
        'media_type',
        'manifest_media_type',
        'artifact_type',
        'project_id',
        'repository_id',
        'repository_name',
        'digest',
        'size',
        'icon',
        'push_time',
        'pull_time',
        'extra_attrs',
        'annotations',
        'references',
      ],
      properties: {
        id: integerId('The artifact’s id.'),
        type: {
          type: 'string',
          description:
            '`IMAGE`, `CHART`, `CNAB`, `UNKNOWN`, or for a config media type ' +
            '`application/vnd.<vendor>.<kind>.config.<version>+json` its `<kind>` in upper case.',
        },
        media_type: {
          type: 'string',
          description: 'The config’s media type; for an index, its own (or the artifact type it declares).',
        },
        manifest_media_type: { type: 'string', description: 'The media type of the manifest itself.' },
        artifact_type: {
          type: 'string',
          description: 'The manifest’s `artifactType`, else its config media type, else `media_type`.',
        },
        project_id: integerId('The id of its project.'),
        repository_id: integerId('The id of its repository.'),
        repository_name: { type: 'string', description: 'The full repository name, project first.' },
        digest: { type: 'string', description: 'The manifest’s digest.' },
        size: {
          type: 'integer',
          format: 'int64',
          description: 'The manifest plus its config and layers or, for an index, its children’s sizes.',
        },
        icon: { type: 'string', description: 'Always empty.' },
        push_time: dateTime('When it was pushed.'),
        pull_time: pullTime('it'),
        extra_attrs: {
          type: 'object',
          description:
            'For an image: `architecture`, `os`, `author` (strings), `config` (the runtime configuration object), ' +
            'and when its config has them `variant`, `os.version` and `created`. For another typed artifact, its ' +
            'config object as it is. Empty for indexes and unknown artifacts.',
          additionalProperties: true,
        },
        addition_links: {
          type: 'object',
          description:
            'Where its additions are read (`build_history` for images; `values.yaml`, `readme.md` and ' +
            '`dependencies` for Helm charts); absent when it has none.',
          additionalProperties: schemaRef('AdditionLink'),
        },
        annotations: stringMap('The manifest’s annotations.'),
        references: {
          type: 'array',
          description: 'For an index, the manifests it lists; empty otherwise.',
          items: schemaRef('Reference'),
        },
        tags: { type: 'array', description: 'With `with_tag` (the default).', items: schemaRef('Tag') },
        labels: {
          type: 'array',
          description: 'With `with_label`: the labels attached to the artifact.',
          items: schemaRef('Label'),
        },
        accessories: {
          type: 'array',
          description: 'With `with_accessory`: artifacts whose subject is this one (signatures, SBOMs, ...).',
          items: schemaRef('Accessory'),
        },
      },
    },
    Reference: {
      type: 'object',
      required: ['parent_id', 'child_digest'],
      properties: {
        parent_id: integerId('The index’s id.'),
        child_id: integerId('The child’s id; absent when the child is not an artifact of the repository.'),
        child_digest: { type: 'string' },
        platform: schemaRef('Platform'),
        annotations: stringMap('The annotations of the index entry.'),
        urls: { type: 'array', items: { type: 'string' } },
      },
    },
    Platform: {
      type: 'object',
      description: 'The platform an index entry declares; only the fields it has.',
      properties: {
        architecture: { type: 'string' },
        os: { type: 'string' },
        'os.version': { type: 'string' },
        'os.features': { type: 'array', items: { type: 'string' } },
        variant: { type: 'string' },
      },
    },
    Tag: {
      type: 'object',
      required: ['id', 'repository_id', 'artifact_id', 'name', 'push_time', 'pull_time', 'immutable'],
      properties: {
        id: integerId('The tag’s id.'),
        repository_id: integerId('The id of its repository.'),
        artifact_id: integerId('The id of the artifact it points at.'),
        name: { type: 'string' },
        push_time: dateTime('When it was last pushed (created or moved).'),
        pull_time: pullTime('the artifact'),
        immutable: {
          type: 'boolean',
          description:
            'With `with_immutable_status`: whether an enabled immutable tag rule protects the tag; false otherwise.',
        },
      },
    },
    NewTag: {
      type: 'object',
      required: ['name'],
      properties: {
        name: {
          type: 'string',
          minLength: 1,
          maxLength: 128,
          description: 'Letters, digits, `_`, `.` and `-`, not starting with `.` or `-`.',
        },
      },
    },
    AdditionLink: {
      type: 'object',
      required: ['href', 'absolute'],
      properties: {
        href: { type: 'string', description: 'The path of the addition, `/api/v2.0/...`.' },
        absolute: { type: 'boolean', description: 'Always false: `href` is a path on this server.' },
      },
    },
    BuildHistoryEntry: {
      type: 'object',
      description: 'One step of the image’s build, from its config’s `history`; only the fields it has.',
      properties: {
        created: { type: 'string', description: 'When the step ran (RFC 3339), as the config says.' },
        created_by: { type: 'string', description: 'The command of the step.' },
        author: { type: 'string' },
        comment: { type: 'string' },
        empty_layer: { type: 'boolean', description: 'Present (true) when the step added no layer.' },
      },
    },
    ChartDependency: {
      type: 'object',
      description: 'A chart the Helm chart depends on, in Helm’s JSON form; optional fields only when set.',
      required: ['name', 'repository'],
      properties: {
        name: { type: 'string' },
        version: { type: 'string', description: 'A version or version range.' },
        repository: { type: 'string', description: 'The chart repository’s URL or alias; may be empty.' },
        condition: { type: 'string' },
        tags: { type: 'array', items: { type: 'string' } },
        enabled: { type: 'boolean' },
        'import-values': { type: 'array', items: {} },
        alias: { type: 'string' },
      },
    },
    Accessory: {
      type: 'object',
      required: [
        'id',
        'artifact_id',
        'subject_artifact_id',
        'subject_artifact_digest',
        'subject_artifact_repo',
        'size',
        'digest',
        'type',
        'icon',
        'creation_time',
      ],
      properties: {
        id: integerId('The accessory artifact’s id.'),
        artifact_id: integerId('The accessory artifact’s id (the same as `id`).'),
        subject_artifact_id: integerId('The id of the artifact it refers to.'),
        subject_artifact_digest: { type: 'string' },
        subject_artifact_repo: { type: 'string', description: 'The full repository name, project first.' },
        size: { type: 'integer', format: 'int64' },
        digest: { type: 'string', description: 'The accessory’s digest.' },
        type: {
          type: 'string',
          enum: ['signature.cosign', 'signature.notation', 'harbor.sbom', 'subject.accessory'],
        },
        icon: { type: 'string', description: 'Always empty.' },
        creation_time: dateTime('When it was pushed.'),
      },
    },
  },
};
