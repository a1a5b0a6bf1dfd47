/*
 * The production Dockerfile, parsed with dockerfile-ast (no Docker engine
 * here): multi-stage, Node 22/24 base, npm (not yarn) from the lockfile, the
 * backstage-cli build output (skeleton + bundle) of every backend package
 * of the repo (packages/backend and packages/backend-billing, which the
 * two Deployments run: kustomize.test.ts) in the final stage, a non-root
 * user, and a CMD that reads app-config.production.yaml.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DockerfileParser, Dockerfile, Instruction } from 'dockerfile-ast';
import { repoRoot } from './render';

const dockerfilePath = path.join(repoRoot, 'packages/backend/Dockerfile');

interface Stage {
  name?: string;
  image: string;
  instructions: Instruction[];
}

/** Stages with their base image, `${ARG}`s of the global scope resolved. */
function stagesOf(dockerfile: Dockerfile): Stage[] {
  const args = new Map<string, string>();
  for (const arg of dockerfile.getInitialARGs()) {
    const p = arg.getProperty();
    if (p?.getName() && p.getValue()) args.set(p.getName(), p.getValue()!);
  }
  const expand = (s: string) =>
    s.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (_, n) => args.get(n) ?? '');
  const stages: Stage[] = [];
  for (const instruction of dockerfile.getInstructions()) {
    if (instruction.getKeyword() === 'FROM') {
      const from = dockerfile
        .getFROMs()
        .find(
          f => f.getRange().start.line === instruction.getRange().start.line,
        )!;
      stages.push({
        name: from.getBuildStage() ?? undefined,
        image: expand(from.getImage() ?? ''),
        instructions: [],
      });
    } else if (stages.length > 0) {
      stages[stages.length - 1].instructions.push(instruction);
    }
  }
  return stages;
}

const text = (i: Instruction) => i.getArgumentsContent() ?? '';
/** The `--from=<stage>` flag of a COPY. */
const fromFlag = (i: Instruction) =>
  /(?:^|\s)--from=(\S+)/.exec(i.getTextContent())?.[1];
const of = (stage: Stage, keyword: string) =>
  stage.instructions.filter(i => i.getKeyword() === keyword);

/** The directories under packages/ whose package has the `backend` role. */
const backendPackages = fs
  .readdirSync(path.join(repoRoot, 'packages'))
  .filter(dir => {
    const file = path.join(repoRoot, 'packages', dir, 'package.json');
    return (
      fs.existsSync(file) &&
      JSON.parse(fs.readFileSync(file, 'utf8')).backstage?.role === 'backend'
    );
  });

/**
 * The file a COPY of `source` writes, relative to the stage's WORKDIR
 * (`./` keeps the source's name).
 */
function copiedAs(copy: Instruction, source: string): string | undefined {
  const args = text(copy)
    .split(/\s+/)
    .filter(a => !a.startsWith('--'));
  if (!args.slice(0, -1).includes(source)) return undefined;
  const dest = args[args.length - 1];
  return dest.endsWith('/')
    ? path.basename(source)
    : path.normalize(dest).replace(/^\.\//, '');
}

describe('packages/backend/Dockerfile', () => {
  const dockerfile = DockerfileParser.parse(
    fs.readFileSync(dockerfilePath, 'utf8'),
  );
  const stages = stagesOf(dockerfile);
  const final = stages[stages.length - 1];

  it('is multi-stage, every stage on Node 22 or 24', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) {
      expect(stage.image).toMatch(/^node:(22|24)([.-][\w.-]+)?$/);
    }
    expect(new Set(stages.map(s => s.name)).size).toBe(stages.length);
  });

  it('builds with npm workspaces from the lockfile and backstage-cli, never yarn', () => {
    const build = stages.find(s =>
      of(s, 'RUN').some(r =>
        /build:backend|backstage-cli (repo|package) build|npm run build -w/.test(
          text(r),
        ),
      ),
    );
    expect(build).toBeDefined();
    const copies = of(build!, 'COPY').map(text).join('\n');
    expect(copies).toMatch(/package-lock\.json/);
    expect(copies).toMatch(/\.npmrc/); // legacy-peer-deps
    const runs = stages.flatMap(s => of(s, 'RUN').map(text)).join('\n');
    expect(runs).toMatch(/npm install/);
    // No yarn command (backstage-cli's dist workspace wants a yarn.lock
    // file, which may be an empty stand-in).
    expect(runs).not.toMatch(/(^|[;&|]\s*|\bnpx\s+)yarn(\s|$)/m);
    // .npmrc really sets legacy-peer-deps.
    expect(fs.readFileSync(path.join(repoRoot, '.npmrc'), 'utf8')).toMatch(
      /^legacy-peer-deps=true$/m,
    );
  });

  it('installs production dependencies from the skeleton and unpacks the backend bundle in the final stage', () => {
    const all = stages.flatMap(s => s.instructions);
    const skeleton = all.find(
      i => i.getKeyword() === 'COPY' && /skeleton\.tar\.gz/.test(text(i)),
    );
    expect(skeleton).toBeDefined();
    expect(
      all.some(
        i =>
          i.getKeyword() === 'RUN' &&
          /tar xzf skeleton\.tar\.gz/.test(text(i)) &&
          /npm install --omit=dev/.test(text(i)),
      ),
    ).toBe(true);
    const bundleCopy = of(final, 'COPY').find(i =>
      /packages\/backend\/dist\/bundle\.tar\.gz/.test(text(i)),
    );
    expect(bundleCopy).toBeDefined();
    const from = fromFlag(bundleCopy!);
    expect(stages.map(s => s.name)).toContain(from);
    expect(
      of(final, 'RUN').some(r => /tar xzf bundle\.tar\.gz/.test(text(r))),
    ).toBe(true);
  });

  it('builds every backend package and unpacks its skeleton and bundle', () => {
    expect(backendPackages).toEqual(
      expect.arrayContaining(['backend', 'backend-billing']),
    );
    const all = stages.flatMap(s => s.instructions);
    const runs = all.filter(i => i.getKeyword() === 'RUN').map(text);
    for (const dir of backendPackages) {
      const name = JSON.parse(
        fs.readFileSync(
          path.join(repoRoot, 'packages', dir, 'package.json'),
          'utf8',
        ),
      ).name;
      // Built: `npm run build -w <name>` (or the root's build:backend).
      expect([
        dir,
        runs.some(
          r =>
            new RegExp(`-w ${name}(\\s|$)`).test(r) ||
            (name === 'backend' && /build:backend/.test(r)),
        ),
      ]).toEqual([dir, true]);
      // Its manifest is there for the install layer.
      expect([
        dir,
        all.some(
          i =>
            i.getKeyword() === 'COPY' &&
            text(i).includes(`packages/${dir}/package.json`),
        ),
      ]).toEqual([dir, true]);
      for (const [archive, stage, alsoRun] of [
        [
          'skeleton',
          stages.find(s => s.name === 'deps')!,
          /npm install --omit=dev/,
        ],
        ['bundle', final, /./],
      ] as const) {
        const source = `/app/packages/${dir}/dist/${archive}.tar.gz`;
        const copy = of(stage, 'COPY').find(i => copiedAs(i, source));
        expect([dir, archive, copy && fromFlag(copy)]).toEqual([
          dir,
          archive,
          'build',
        ]);
        const file = copiedAs(copy!, source)!;
        expect([
          dir,
          archive,
          of(stage, 'RUN').some(
            r => text(r).includes(`tar xzf ${file}`) && alsoRun.test(text(r)),
          ),
        ]).toEqual([dir, archive, true]);
      }
    }
  });

  it('runs with NODE_ENV=production, so that error bodies carry no stack trace', () => {
    // Backstage's error handler (MiddlewareFactory.error of
    // @backstage/backend-defaults) includes stacks when NODE_ENV is
    // `development` only; the Deployments set no NODE_ENV of their own
    // (kustomize.test.ts), so the image's is the one that counts.
    const envs = of(final, 'ENV').map(text);
    expect(envs).toContain('NODE_ENV=production');
  });

  it('runs as a non-root user', () => {
    const users = of(final, 'USER').map(text);
    expect(users.length).toBeGreaterThan(0);
    const user = users[users.length - 1].split(':')[0];
    expect(user).not.toMatch(/^(root|0)$/);
    // No instruction after the last USER switches back.
    const lastUser = final.instructions.lastIndexOf(
      of(final, 'USER')[users.length - 1],
    );
    expect(
      final.instructions
        .slice(lastUser + 1)
        .some(i => i.getKeyword() === 'USER'),
    ).toBe(false);
  });

  it('starts the backend with the production config, whose files it copies from the repo', () => {
    const [cmd] = of(final, 'CMD');
    const argv = JSON.parse(text(cmd));
    expect(argv.slice(0, 2)).toEqual(['node', 'packages/backend']);
    const configs = argv.filter(
      (_: string, i: number) => argv[i - 1] === '--config',
    );
    expect(configs).toEqual(['app-config.yaml', 'app-config.production.yaml']);
    const copied = of(final, 'COPY')
      .filter(i => !fromFlag(i))
      .flatMap(i =>
        text(i)
          .split(/\s+/)
          .filter(a => !a.startsWith('--'))
          .slice(0, -1),
      );
    for (const config of configs) expect(copied).toContain(config);
    for (const file of copied) {
      expect([file, fs.existsSync(path.join(repoRoot, file))]).toEqual([
        file,
        true,
      ]);
    }
    expect(
      final.instructions.some(
        i => i.getKeyword() === 'EXPOSE' && text(i) === '7007',
      ),
    ).toBe(true);
  });

  it('has a .dockerignore that keeps out local installs and data but not what the build copies', () => {
    const ignore = fs
      .readFileSync(path.join(repoRoot, '.dockerignore'), 'utf8')
      .split('\n')
      .map(l => l.trim())
      .filter(l => l && !l.startsWith('#'));
    expect(ignore).toEqual(
      expect.arrayContaining(['node_modules', '.git', '*.local.yaml']),
    );
    for (const needed of [
      'plugins',
      'packages',
      'catalog',
      'templates',
      'package-lock.json',
    ]) {
      expect(ignore).not.toContain(needed);
    }
  });
});
