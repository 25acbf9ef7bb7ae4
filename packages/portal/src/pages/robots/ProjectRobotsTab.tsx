import type { Project } from '../../api/models';
import { RobotsPanel } from './RobotsPanel';

/** The robot accounts of one project (`robot$<project>+<name>`). */
export function ProjectRobotsTab({ project }: { project: Project }) {
  return (
    <RobotsPanel scope={{ level: 'project', projectId: project.project_id ?? 0, projectName: project.name ?? '' }} />
  );
}
