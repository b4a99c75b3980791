// Offline Dockerfile policy: a real linter (dockerfile-utils, the one behind VS Code's Dockerfile support) plus the
// essentials of wrapup's image as named rules, so a test can prove each rule fails on a broken copy. No Docker engine
// runs where the tests run, so this is what stands between a bad edit and a broken or unsafe image.
import { DockerfileParser, type From, type Instruction } from 'dockerfile-ast';
import { validate, ValidationSeverity, type ValidatorSettings } from 'dockerfile-utils';

export interface DockerfilePolicyInput {
  dockerfile: string;
  dockerignore: string;
  /** `engines.node` of the native addon built in the image (better-sqlite3), e.g. `20.x || 22.x || 26.x`. */
  nativeEngines?: string;
  /** Today, for the end-of-life check. @default new Date() */
  now?: Date;
}

/** Node.js LTS lines and their end of life (https://github.com/nodejs/Release#release-schedule). */
export const NODE_LTS_EOL: Readonly<Record<number, string>> = { 20: '2026-04-30', 22: '2027-04-30', 24: '2028-04-30', 26: '2029-04-30' };

/** What the build context must never carry into a build (secrets, local state, host-built modules). */
export const REQUIRED_IGNORES = ['node_modules', '.git', 'data', 'test', '*.sqlite', '.env'] as const;

const SECRET_NAME = /KEY|SECRET|TOKEN|PASSW(OR)?D|CREDENTIAL/i;
const RUNTIME_IMAGE = /^node:(\d+)(?:\.\d+){0,2}-(?:trixie|bookworm)-slim$/;

interface Stage {
  from: From;
  name?: string;
  instructions: Instruction[];
}

const everyValidatorSetting: ValidatorSettings = {
  deprecatedMaintainer: ValidationSeverity.ERROR,
  directiveCasing: ValidationSeverity.ERROR,
  emptyContinuationLine: ValidationSeverity.ERROR,
  instructionCasing: ValidationSeverity.ERROR,
  instructionCmdMultiple: ValidationSeverity.ERROR,
  instructionEntrypointMultiple: ValidationSeverity.ERROR,
  instructionHealthcheckMultiple: ValidationSeverity.ERROR,
  instructionJSONInSingleQuotes: ValidationSeverity.ERROR,
  instructionWorkdirRelative: ValidationSeverity.ERROR,
};

/** Every diagnostic of dockerfile-utils, with every optional check raised to an error. */
export function lintDockerfile(dockerfile: string): string[] {
  return validate(dockerfile, everyValidatorSetting).map((d) => `lint: line ${d.range.start.line + 1}: ${d.message}`);
}

function splitStages(instructions: Instruction[]): Stage[] {
  const stages: Stage[] = [];
  for (const instruction of instructions) {
    const keyword = instruction.getKeyword();
    if (keyword === 'FROM') {
      const from = instruction as From;
      stages.push({ from, name: from.getBuildStage() ?? undefined, instructions: [] });
    } else stages.at(-1)?.instructions.push(instruction);
  }
  return stages;
}

const all = (stage: Stage, keyword: string): Instruction[] => stage.instructions.filter((i) => i.getKeyword() === keyword);
const text = (i: Instruction): string => i.getArgumentsContent() ?? '';
const runText = (stage: Stage): string => all(stage, 'RUN').map(text).join('\n');
const flag = (i: Instruction, name: string): string | undefined =>
  (i as unknown as { getFlags?: () => { getName(): string; getValue(): string | null }[] })
    .getFlags?.()
    .find((f) => f.getName() === name)
    ?.getValue() ?? undefined;
const properties = (i: Instruction): [string, string | null][] =>
  ((i as unknown as { getProperties?: () => { getName(): string; getValue(): string | null }[] }).getProperties?.() ?? []).map(
    (p) => [p.getName(), p.getValue()],
  );
const envOf = (stage: Stage): Map<string, string> =>
  new Map(all(stage, 'ENV').flatMap((i) => properties(i).map(([k, v]): [string, string] => [k, v ?? ''])));

function checkBases(stages: Stage[]): string[] {
  const problems: string[] = [];
  if (stages.length < 2) problems.push('multi-stage: build tools must stay out of the runtime image (one FROM found)');
  const earlier = new Set<string>();
  for (const { from, name } of stages) {
    const image = from.getImage() ?? '';
    if (!earlier.has(image)) {
      if (image.includes('$')) problems.push(`pinned-base: FROM ${image}: write the base image out, no build argument`);
      else if (!from.getImageTag() && !from.getImageDigest()) problems.push(`pinned-base: FROM ${image} has no tag (that is :latest)`);
      else if (from.getImageTag() === 'latest') problems.push(`pinned-base: FROM ${image}: never :latest`);
    }
    if (name) earlier.add(name);
  }
  return problems;
}

function checkRuntimeBase(runtime: Stage, input: DockerfilePolicyInput): string[] {
  const image = `${runtime.from.getImageName() ?? ''}:${runtime.from.getImageTag() ?? ''}`;
  const match = RUNTIME_IMAGE.exec(image);
  if (!match) return [`runtime-base: ${runtime.from.getImage() ?? '?'} is not node:<LTS major>-<trixie|bookworm>-slim`];
  const major = Number(match[1]);
  const eol = NODE_LTS_EOL[major];
  const problems: string[] = [];
  if (!eol) problems.push(`runtime-base: Node ${major} is not an LTS line (${Object.keys(NODE_LTS_EOL).join(', ')})`);
  else if ((input.now ?? new Date()) >= new Date(eol)) problems.push(`runtime-base: Node ${major} reached end of life on ${eol}`);
  if (input.nativeEngines && !input.nativeEngines.split('||').some((r) => r.trim() === `${major}.x`)) {
    problems.push(`runtime-base: better-sqlite3 supports ${input.nativeEngines}, not Node ${major}`);
  }
  return problems;
}

/** The stages the runtime copies node_modules from (by name); none means the runtime installs its own. */
function moduleSources(runtime: Stage, stages: Stage[]): Stage[] {
  const names = all(runtime, 'COPY')
    .filter((c) => /(^|\s)\S*node_modules\S*\s/.test(text(c)))
    .map((c) => flag(c, 'from'));
  return stages.filter((s) => s.name !== undefined && names.includes(s.name));
}

function checkDependencies(stages: Stage[], runtime: Stage): string[] {
  const problems: string[] = [];
  const installs = stages.filter((s) => /\bnpm\s+ci\b/.test(runText(s)));
  if (installs.length === 0) problems.push('npm-ci: no stage runs `npm ci` (the lockfile is what gets installed)');
  for (const stage of installs) {
    const lockCopied = all(stage, 'COPY').some((c) => /\bpackage-lock\.json\b/.test(text(c)));
    if (!lockCopied) problems.push(`npm-ci: stage ${stage.name ?? '?'} runs npm ci without copying package-lock.json`);
  }
  if (stages.some((s) => /\bnpm\s+(install|i|add)\b/.test(runText(s)))) problems.push('npm-ci: `npm install` ignores the lockfile; use npm ci');
  const sources = moduleSources(runtime, stages);
  for (const stage of sources.length > 0 ? sources : [runtime]) {
    const run = runText(stage);
    const lastCi = run.search(/\bnpm\s+ci\b(?![\s\S]*\bnpm\s+ci\b)/);
    const afterLastCi = lastCi >= 0 ? run.slice(lastCi) : run;
    if (!/\bnpm\s+(ci|prune)\b[^&;|\n]*--omit=dev\b/.test(afterLastCi)) {
      problems.push(`dev-deps: node_modules from stage ${stage.name ?? 'runtime'} still holds dev dependencies (npm prune --omit=dev)`);
    }
  }
  for (const stage of sources) {
    if (stage.from.getImage() !== runtime.from.getImage()) {
      problems.push(`same-base: native modules built on ${stage.from.getImage()} run on ${runtime.from.getImage()}`);
    }
  }
  if (envOf(runtime).get('NODE_ENV') !== 'production') problems.push('node-env: the runtime stage sets NODE_ENV=production');
  return problems;
}

function checkProcess(runtime: Stage): string[] {
  const problems: string[] = [];
  const order = runtime.instructions.map((i) => i.getKeyword());
  const users = all(runtime, 'USER');
  const user = users.at(-1) ? text(users.at(-1) as Instruction).split(':')[0] : undefined;
  if (!user || ['root', '0'].includes(user)) problems.push(`user: the runtime runs as ${user ?? 'root (no USER)'}; use node`);
  else if (order.lastIndexOf('USER') > order.lastIndexOf('CMD')) problems.push('user: USER must come before CMD');
  const cmds = all(runtime, 'CMD');
  const argv = (cmds.at(-1) as { getJSONStrings?: () => { getJSONValue(): string }[] } | undefined)?.getJSONStrings?.() ?? [];
  const values = argv.map((s) => s.getJSONValue());
  if (values.length === 0) problems.push('cmd: CMD must be in exec form (JSON array) so node receives SIGTERM itself');
  else if (values[0] !== 'node' || values.at(-1) !== 'dist/main.js') problems.push(`cmd: CMD ${JSON.stringify(values)} must run node dist/main.js`);
  if (all(runtime, 'ENTRYPOINT').length > 0) problems.push('cmd: no ENTRYPOINT: CMD runs node directly');
  const stop = all(runtime, 'STOPSIGNAL').at(-1);
  if (!stop || text(stop) !== 'SIGTERM') problems.push('stopsignal: STOPSIGNAL SIGTERM (the graceful shutdown signal)');
  const health = all(runtime, 'HEALTHCHECK').at(-1);
  const probe = health ? text(health) : '';
  if (!/^CMD\b/.test(probe)) problems.push('healthcheck: the runtime stage needs HEALTHCHECK CMD …');
  else if (!probe.includes('/healthz') || !probe.includes('PORT')) problems.push('healthcheck: probe /healthz on $PORT');
  return problems;
}

function checkPortAndStore(runtime: Stage): string[] {
  const problems: string[] = [];
  const env = envOf(runtime);
  const exposed = all(runtime, 'EXPOSE').flatMap((i) => text(i).split(/\s+/)).map((p) => p.split('/')[0]);
  if (!env.get('PORT') || !exposed.includes(env.get('PORT') as string)) problems.push(`expose: EXPOSE the default PORT (${env.get('PORT') ?? 'unset'})`);
  const dir = /^sqlite:\/\/(\/.+)\/[^/]+$/.exec(env.get('STORE_URL') ?? '')?.[1];
  if (!dir) return [...problems, 'store-dir: STORE_URL must default to an absolute sqlite:// path'];
  const volumes = all(runtime, 'VOLUME').flatMap((i) => text(i).replace(/[[\]",]/g, ' ').split(/\s+/));
  if (!volumes.includes(dir)) problems.push(`store-dir: ${dir} must be a VOLUME`);
  const steps = all(runtime, 'RUN').flatMap((i) => text(i).split(/&&|;/)).map((s) => s.trim().split(/\s+/));
  const has = (cmd: string, arg: RegExp): boolean => steps.some((s) => s[0] === cmd && arg.test(s[1] ?? '') && s.includes(dir));
  if (!has('chown', /^node(:node)?$/)) problems.push(`store-dir: chown node ${dir}`);
  if (!has('chmod', /^0?700$/)) problems.push(`store-dir: chmod 700 ${dir} (summaries: only the service user may read them)`);
  return problems;
}

function checkLabels(runtime: Stage): string[] {
  const labels = new Set(all(runtime, 'LABEL').flatMap((i) => properties(i).map(([k]) => k)));
  return ['org.opencontainers.image.title', 'org.opencontainers.image.version']
    .filter((l) => !labels.has(l))
    .map((l) => `labels: LABEL ${l} (OCI image annotations)`);
}

function checkSecrets(instructions: Instruction[]): string[] {
  const problems: string[] = [];
  for (const i of instructions) {
    const keyword = i.getKeyword();
    if (keyword !== 'ARG' && keyword !== 'ENV') continue;
    for (const [name, value] of properties(i)) {
      if (!SECRET_NAME.test(name)) continue;
      if (keyword === 'ARG') problems.push(`secrets: ARG ${name}: build arguments stay in the image history; use a secret mount`);
      else if (value) problems.push(`secrets: ENV ${name} bakes a secret into the image; pass it at docker run`);
    }
  }
  return problems;
}

/** Patterns of a .dockerignore, normalized (`/x/`, `**\/x` → `x`), and the ones re-included with `!`. */
function checkDockerignore(dockerignore: string): string[] {
  const lines = dockerignore.split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const norm = (p: string): string => p.replace(/^\/+/, '').replace(/^\*\*\//, '').replace(/\/+$/, '');
  const ignored = new Set(lines.filter((l) => !l.startsWith('!')).map(norm));
  const reincluded = new Set(lines.filter((l) => l.startsWith('!')).map((l) => norm(l.slice(1))));
  return REQUIRED_IGNORES.filter((p) => !ignored.has(p) || reincluded.has(p)).map((p) => `dockerignore: ${p} must be excluded from the build context`);
}

/** The argv of the last HEALTHCHECK in exec form (`HEALTHCHECK [flags] CMD ["node", …]`), or undefined. */
export function healthcheckArgv(dockerfile: string): string[] | undefined {
  const health = DockerfileParser.parse(dockerfile).getHEALTHCHECKs().at(-1);
  const json = /^CMD\s+(\[[\s\S]*\])$/.exec(health ? text(health) : '')?.[1];
  if (!json) return undefined;
  const argv: unknown = JSON.parse(json);
  return Array.isArray(argv) && argv.every((a) => typeof a === 'string') ? argv : undefined;
}

/** Every problem found, each prefixed with its rule (`lint`, `multi-stage`, `runtime-base`, …); empty when all pass. */
export function checkDockerfile(input: DockerfilePolicyInput): string[] {
  const instructions = DockerfileParser.parse(input.dockerfile).getInstructions();
  const stages = splitStages(instructions);
  const runtime = stages.at(-1);
  const problems = [...lintDockerfile(input.dockerfile), ...checkBases(stages), ...checkSecrets(instructions)];
  if (runtime) {
    problems.push(...checkRuntimeBase(runtime, input), ...checkDependencies(stages, runtime), ...checkProcess(runtime));
    problems.push(...checkPortAndStore(runtime), ...checkLabels(runtime));
  }
  return [...problems, ...checkDockerignore(input.dockerignore)];
}
