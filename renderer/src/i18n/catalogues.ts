import { problems as problemsEn } from '../../../shared/messages/problems';
import { forest as forestEn } from './en/forest';
import { jobs as jobsEn } from './en/jobs';
import { libvirt as libvirtEn } from './en/libvirt';
import { plans as plansEn } from './en/plans';
import { shell as shellEn } from './en/shell';
import { terms as termsEn } from './en/terms';
import { tools as toolsEn } from './en/tools';
import { forest as forestZh } from './zh-CN/forest';
import { jobs as jobsZh } from './zh-CN/jobs';
import { libvirt as libvirtZh } from './zh-CN/libvirt';
import { plans as plansZh } from './zh-CN/plans';
import { problems as problemsZh } from './zh-CN/problems';
import { shell as shellZh } from './zh-CN/shell';
import { terms as termsZh } from './zh-CN/terms';
import { tools as toolsZh } from './zh-CN/tools';

/**
 * Every namespace of the window, by language. English is the source: the problems come
 * from the core's own English (shared/messages), so the CLI and the window say the same.
 */
export const CATALOGUES = {
  en: { shell: shellEn, forest: forestEn, libvirt: libvirtEn, tools: toolsEn, plans: plansEn, jobs: jobsEn, terms: termsEn, problems: problemsEn },
  'zh-CN': { shell: shellZh, forest: forestZh, libvirt: libvirtZh, tools: toolsZh, plans: plansZh, jobs: jobsZh, terms: termsZh, problems: problemsZh },
} as const;

export type Language = keyof typeof CATALOGUES;
export const LANGUAGES = Object.keys(CATALOGUES) as Language[];
