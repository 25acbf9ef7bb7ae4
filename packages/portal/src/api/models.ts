/**
 * The management API's models, written by hand after Harbor's swagger (definitions of the same names, snake_case
 * field names, every field optional as the swagger declares none required) until `npm run generate:api` produces
 * src/api/schema.d.ts from Wharf's own OpenAPI document. Then each of these becomes
 * `export type X = components['schemas']['X']`.
 */

export interface Errors {
  errors?: { code?: string; message?: string }[];
}

export interface GeneralInfo {
  current_time?: string;
  registry_url?: string;
  external_url?: string;
  auth_mode?: string;
  primary_auth_mode?: boolean;
  project_creation_restriction?: string;
  self_registration?: boolean;
  has_ca_root?: boolean;
  harbor_version?: string;
  registry_storage_provider_name?: string;
  read_only?: boolean;
  notification_enable?: boolean;
}

export interface UserResp {
  email?: string;
  realname?: string;
  comment?: string;
  user_id?: number;
  username?: string;
  sysadmin_flag?: boolean;
  admin_role_in_auth?: boolean;
  creation_time?: string;
  update_time?: string;
}

export interface UserCreationReq {
  email?: string;
  realname?: string;
  comment?: string;
  password?: string;
  username?: string;
}

export interface PasswordReq {
  old_password?: string;
  new_password?: string;
}

export interface UserSysAdminFlag {
  sysadmin_flag?: boolean;
}

export interface UserSearchRespItem {
  user_id?: number;
  username?: string;
}

export interface ProjectMetadata {
  /** "true" or "false". */
  public?: string;
}

export interface Project {
  project_id?: number;
  owner_id?: number;
  name?: string;
  creation_time?: string;
  update_time?: string;
  owner_name?: string;
  current_user_role_id?: number;
  current_user_role_ids?: number[];
  repo_count?: number;
  metadata?: ProjectMetadata;
}

export interface ProjectReq {
  project_name?: string;
  public?: boolean;
  metadata?: ProjectMetadata;
}

export interface ProjectDeletable {
  deletable?: boolean;
  message?: string;
}

export interface ProjectMemberEntity {
  id?: number;
  project_id?: number;
  entity_name?: string;
  role_name?: string;
  role_id?: number;
  entity_id?: number;
  entity_type?: string;
}

export interface UserEntity {
  user_id?: number;
  username?: string;
}

export interface ProjectMember {
  role_id?: number;
  member_user?: UserEntity;
}

export interface RoleRequest {
  role_id?: number;
}

export interface Access {
  resource?: string;
  action?: string;
  effect?: string;
}

export interface RobotPermission {
  kind?: string;
  namespace?: string;
  access?: Access[];
}

export interface Robot {
  id?: number;
  name?: string;
  description?: string;
  secret?: string;
  level?: string;
  duration?: number | null;
  editable?: boolean;
  disable?: boolean;
  expires_at?: number;
  permissions?: RobotPermission[];
  creation_time?: string;
  update_time?: string;
}

export interface RobotCreate {
  name?: string;
  description?: string;
  secret?: string;
  level?: string;
  disable?: boolean;
  duration?: number;
  permissions?: RobotPermission[];
}

export interface RobotCreated {
  id?: number;
  name?: string;
  secret?: string;
  creation_time?: string;
  expires_at?: number;
}

export interface RobotSec {
  secret?: string;
}

export interface Repository {
  id?: number;
  project_id?: number;
  name?: string;
  description?: string;
  artifact_count?: number;
  pull_count?: number;
  creation_time?: string | null;
  update_time?: string;
}

export interface Platform {
  architecture?: string;
  os?: string;
  variant?: string;
}

export interface Reference {
  parent_id?: number;
  child_id?: number;
  child_digest?: string;
  platform?: Platform;
  annotations?: Record<string, string>;
  urls?: string[];
}

export interface Tag {
  id?: number;
  repository_id?: number;
  artifact_id?: number;
  name?: string;
  push_time?: string;
  pull_time?: string;
  immutable?: boolean;
}

export interface NewTag {
  name: string;
}

export interface AdditionLink {
  href?: string;
  absolute?: boolean;
}

export interface Accessory {
  id?: number;
  artifact_id?: number;
  subject_artifact_digest?: string;
  subject_artifact_repo?: string;
  size?: number;
  digest?: string;
  type?: string;
  icon?: string;
  creation_time?: string;
}

export interface Artifact {
  id?: number;
  type?: string;
  media_type?: string;
  manifest_media_type?: string;
  artifact_type?: string;
  project_id?: number;
  repository_id?: number;
  repository_name?: string;
  digest?: string;
  size?: number;
  icon?: string;
  push_time?: string;
  pull_time?: string;
  extra_attrs?: Record<string, unknown>;
  annotations?: Record<string, string>;
  references?: Reference[];
  tags?: Tag[];
  addition_links?: Record<string, AdditionLink>;
  accessories?: Accessory[];
}

export interface StringConfigItem {
  value?: string;
  editable?: boolean;
}

export interface BoolConfigItem {
  value?: boolean;
  editable?: boolean;
}

export interface IntegerConfigItem {
  value?: number;
  editable?: boolean;
}

/** The system settings Wharf has (a subset of Harbor's). */
export interface ConfigurationsResponse {
  auth_mode?: StringConfigItem;
  project_creation_restriction?: StringConfigItem;
  read_only?: BoolConfigItem;
  self_registration?: BoolConfigItem;
  token_expiration?: IntegerConfigItem;
}

export interface Configurations {
  auth_mode?: string;
  project_creation_restriction?: string;
  read_only?: boolean;
  self_registration?: boolean;
  token_expiration?: number;
}
