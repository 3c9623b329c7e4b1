/**
 * The contract between the core and every front end: each request with the zod schema
 * of its argument and result, and each event the core pushes. Electron IPC and the
 * `serve` WebSocket carry it generically; adding a request means adding it here and
 * giving the core one handler for it.
 */
import { z } from 'zod';
import { Forest } from './images/model.js';
import { Job, TrashEntry } from './jobs/model.js';
import { Connection } from './libvirt/model.js';
import { uriRefusal } from './libvirt/uri.js';
import { Sentence } from './messages/sentence.js';
import { DropTarget } from './plans/drop-target.js';
import { Intent } from './plans/intent.js';
import { Plan } from './plans/plan.js';
import { ToolsReport } from './tools/report.js';

export { Sentence };

const NoArgument = z.object({}).strict();
const AbsolutePath = z
  .string()
  .min(1)
  .refine((path) => path.startsWith('/'), 'must be an absolute path (starting with /)')
  .refine((path) => !path.includes('\0'), 'must not contain a NUL byte');
const LibvirtUri = z.string().superRefine((uri, context) => {
  const refusal = uriRefusal(uri);
  // The refusal's key and values ride along, for dispatch to say it in the window's language.
  if (refusal !== null) context.addIssue({ code: 'custom', message: refusal.message, params: { said: refusal } });
});
const WatchedFolders = z.object({ folders: z.array(z.string()) });
/** The window's languages; `error` is a code of problems:settings.issue, as the settings file's problems name it. */
export const Language = z.enum(['en', 'zh-CN'], { error: 'notLanguage' });

export const requests = {
  /** Which front end this is, and what it can do (a folder dialog only in the window). */
  appInfo: { arg: NoArgument, result: z.object({ mode: z.enum(['electron', 'web', 'cli']), canChooseFolder: z.boolean() }) },
  /** Finds qemu-img and virsh, asks the libvirt daemon at the default URI what it is. */
  toolsCheck: { arg: NoArgument, result: ToolsReport },
  /** What the settings file held that could not be read, and what was set aside: empty when all was read. */
  settingsCheck: { arg: NoArgument, result: z.object({ problems: z.array(Sentence) }) },
  /** The folders whose images make up the forest, remembered across restarts. */
  foldersList: { arg: NoArgument, result: WatchedFolders },
  foldersAdd: { arg: z.object({ path: AbsolutePath }).strict(), result: WatchedFolders },
  foldersRemove: { arg: z.object({ path: z.string() }).strict(), result: WatchedFolders },
  /** The window's folder dialog; null when the user cancelled it. */
  folderChoose: { arg: NoArgument, result: z.object({ path: z.string().nullable() }) },
  /** Every image in the watched folders, with backing links and problems. */
  forestGet: { arg: NoArgument, result: Forest },
  /** Every libvirt connection with its domains, disks and snapshot trees, linked to the forest. */
  inventoryGet: { arg: NoArgument, result: z.object({ connections: z.array(Connection) }) },
  /** libvirt URIs shown besides the default one, remembered across restarts. */
  connectionsAdd: { arg: z.object({ uri: LibvirtUri }).strict(), result: z.object({ uris: z.array(z.string()) }) },
  connectionsRemove: { arg: z.object({ uri: z.string() }).strict(), result: z.object({ uris: z.array(z.string()) }) },
  /**
   * The window's language once the user chose one (null: follow the system's), kept in the
   * settings: `serve` gets a new port, and so a new origin and new browser storage, each run.
   */
  languageGet: { arg: NoArgument, result: z.object({ language: Language.nullable() }) },
  languageSet: { arg: z.object({ language: Language }).strict(), result: z.object({ language: Language }) },
  /** Creates the demo workspace of real, small images with qemu-img, and watches it. */
  demoCreate: { arg: NoArgument, result: z.object({ folder: z.string() }) },
  /** What an intent would do, planned on the core's current view: shown before anything runs. */
  planMake: { arg: z.object({ intent: Intent }).strict(), result: Plan },
  /**
   * While an image is dragged: every image of its chains it could be dropped on, a commit
   * into one below it or a pull into one above it, allowed or with the planner's reason.
   */
  dropTargets: { arg: z.object({ image: AbsolutePath }).strict(), result: z.object({ targets: z.array(DropTarget) }) },
  /**
   * Runs the plan the user saw: the core plans the intent again, and starts it only if the
   * new plan's id is `plan`; otherwise nothing runs and the new plan comes back to be shown.
   */
  jobStart: {
    arg: z.object({ intent: Intent, plan: z.string() }).strict(),
    result: z.discriminatedUnion('started', [z.object({ started: z.literal(true), job: Job }), z.object({ started: z.literal(false), plan: Plan })]),
  },
  jobCancel: { arg: z.object({ job: z.string() }).strict(), result: Job },
  /** Every recorded job: unfinished (interrupted) first, then running and waiting, then the rest, newest first. */
  jobsList: { arg: NoArgument, result: z.object({ jobs: z.array(Job) }) },
  /** What jobs moved to the trash and is still there. Emptying it is a plan (intent `trash-empty`). */
  trashList: { arg: NoArgument, result: z.object({ entries: z.array(TrashEntry) }) },
  /** Puts a job's trashed files back where they were (refused where something now stands there). */
  trashRestore: { arg: z.object({ job: z.string() }).strict(), result: z.object({ entries: z.array(TrashEntry) }) },
  /** Whether a running domain's guest agent answers a ping: only then is `--quiesce` offered (a round trip to the guest). */
  agentCheck: { arg: z.object({ uri: z.string(), domain: z.string() }).strict(), result: z.object({ answers: z.boolean() }) },
  /** The screen as a snapshot was taken (a PNG as a data: URL), or null when none was kept. */
  screenshotGet: { arg: z.object({ uuid: z.string(), snapshot: z.string() }).strict(), result: z.object({ png: z.string().nullable() }) },
} as const;

export const events = {
  /** A tools check finished, whoever asked for it: every window shows the newest. */
  toolsChecked: ToolsReport,
  /** The watched folders changed (here or in another window). */
  foldersChanged: WatchedFolders,
  /** Something on disk changed and the forest was scanned again: fetch it. */
  forestChanged: z.object({ scannedAt: z.string() }),
  /** libvirt reported a change (a domain started, a snapshot made): fetch the inventory. */
  inventoryChanged: z.object({}),
  /**
   * A job started, moved on, made progress or ended: fetch the jobs (progress rides along).
   * `gone`: another program's job whose start was refused after its record was written.
   */
  jobChanged: z.object({ job: z.string(), state: z.union([Job.shape.state, z.literal('gone')]), progress: Job.shape.progress }),
  /** The trash changed (a job put files there, a restore or an empty took them out). */
  trashChanged: z.object({}),
} as const;

export type RequestName = keyof typeof requests;
export type RequestArg<N extends RequestName> = z.input<(typeof requests)[N]['arg']>;
export type RequestResult<N extends RequestName> = z.infer<(typeof requests)[N]['result']>;
export type EventName = keyof typeof events;
export type EventPayload<E extends EventName> = z.infer<(typeof events)[E]>;

export function isRequestName(name: unknown): name is RequestName {
  return typeof name === 'string' && Object.hasOwn(requests, name);
}
export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.hasOwn(events, name);
}

/**
 * What travels back for every request, on both transports: a result, or an error a
 * person can read. `field` names the argument that failed validation.
 */
export const ApiErrorBody = z.object({
  /** validation: the argument; refused: a request that makes no sense now (a folder that is not there). */
  kind: z.enum(['validation', 'unknown-request', 'refused', 'tool', 'internal']),
  message: z.string(),
  field: z.string().optional(),
  /** When the core said it through the catalogues (a refusal made with say()): the window shows it by key. */
  key: z.string().optional(),
  values: Sentence.shape.values.optional(),
});
export type ApiErrorBody = z.infer<typeof ApiErrorBody>;

export type Reply<T = unknown> = { ok: true; result: T } | { ok: false; error: ApiErrorBody };

/** The typed api that the preload and the WebSocket client both provide. */
export interface Api {
  invoke<N extends RequestName>(name: N, arg: RequestArg<N>): Promise<Reply<RequestResult<N>>>;
  subscribe<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void): () => void;
}
