/**
 * The management API's models, named as in Harbor's swagger. Each is the schema of the same name in Wharf's own
 * OpenAPI document, generated into schema.d.ts by `npm run generate:api -w @wharf/portal`: the portal has no
 * hand-written copy that could drift from what the server sends.
 */
import type { components } from './schema';

type Schemas = components['schemas'];

export type GeneralInfo = Schemas['GeneralInfo'];
export type UserResp = Schemas['UserResp'];
export type UserCreationReq = Schemas['UserCreationReq'];
export type UserSearchRespItem = Schemas['UserSearchRespItem'];
export type UserProfile = Schemas['UserProfile'];
export type Project = Schemas['Project'];
export type ProjectReq = Schemas['ProjectReq'];
export type ProjectUpdateReq = Schemas['ProjectUpdateReq'];
export type ProjectDeletable = Schemas['ProjectDeletable'];
export type ProjectMemberEntity = Schemas['ProjectMemberEntity'];
export type ProjectMember = Schemas['ProjectMember'];
export type Access = Schemas['Access'];
export type Robot = Schemas['Robot'];
export type RobotCreate = Schemas['RobotCreate'];
export type RobotCreated = Schemas['RobotCreated'];
export type RobotSec = Schemas['RobotSec'];
export type Repository = Schemas['Repository'];
export type NewTag = Schemas['NewTag'];
export type Accessory = Schemas['Accessory'];
export type Artifact = Schemas['Artifact'];
export type ConfigurationsResponse = Schemas['ConfigurationsResponse'];
export type Configurations = Schemas['Configurations'];
export type GCHistory = Schemas['GCHistory'];
export type AuditLogExt = Schemas['AuditLogExt'];
export type Schedule = Schemas['Schedule'];
export type ScheduleObj = Schemas['ScheduleObj'];
export type Quota = Schemas['Quota'];
export type ProjectSummary = Schemas['ProjectSummary'];
export type ImmutableRule = Schemas['ImmutableRule'];
export type ImmutableSelector = Schemas['ImmutableSelector'];
export type Label = Schemas['Label'];
export type LabelRequest = Schemas['LabelRequest'];
export type JobQueue = Schemas['JobQueue'];
export type WorkerPool = Schemas['WorkerPool'];
export type ScheduleTask = Schemas['ScheduleTask'];
export type TagHistoryEntry = Schemas['TagHistoryEntry'];
export type OverallHealthStatus = Schemas['OverallHealthStatus'];
export type Statistic = Schemas['Statistic'];
export type NotificationEndpoints = Schemas['NotificationEndpoints'];
export type NotificationEndpointStatus = Schemas['NotificationEndpointStatus'];
