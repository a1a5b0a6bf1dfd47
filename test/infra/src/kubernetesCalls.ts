/*
 * What the plugins ask of a Kubernetes API, read from their source with the
 * TypeScript compiler API: every call of a @kubernetes/client-node API client
 * (`this.core.listNamespacedPod({...})`, `this.objects.patchNamespacedCustomObject({group, plural, ...})`)
 * becomes (namespace, apiGroup, resource, verb). Namespaces and custom
 * resource groups/plurals are resolved from string constants, local
 * variables, the location's config (`this.location.kubeaiNamespace`) and, for
 * method parameters, the arguments of every caller of that method.
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/** One permission a call needs. `namespace` is undefined for cluster-scoped resources. */
export interface KubernetesAccess {
  namespace?: string;
  apiGroup: string;
  resource: string;
  verb: string;
}

export interface KubernetesCall extends KubernetesAccess {
  /** file:line of the client call, for messages. */
  site: string;
  method: string;
  /** The class method the client call is made in (`listModels`). */
  caller?: string;
}

/** API group of each typed client class of @kubernetes/client-node. */
const API_GROUPS: Record<string, string> = {
  CoreV1Api: '',
  BatchV1Api: 'batch',
  AppsV1Api: 'apps',
  NetworkingV1Api: 'networking.k8s.io',
  RbacAuthorizationV1Api: 'rbac.authorization.k8s.io',
  PolicyV1Api: 'policy',
  AutoscalingV2Api: 'autoscaling',
};

const VERBS: Record<string, string> = {
  list: 'list',
  read: 'get',
  get: 'get',
  create: 'create',
  replace: 'update',
  patch: 'patch',
  delete: 'delete',
  deleteCollection: 'deletecollection',
  watch: 'watch',
};

/** Subresources that are separate RBAC resources. */
const SUBRESOURCES: Record<string, string> = {
  Log: 'log',
  Status: 'status',
  Scale: 'scale',
  Eviction: 'eviction',
  Binding: 'binding',
};

function plural(kind: string): string {
  const lower = kind.toLowerCase();
  if (/(s|x|ch|sh)$/.test(lower)) return `${lower}es`;
  if (/[^aeiou]y$/.test(lower)) return `${lower.slice(0, -1)}ies`;
  return `${lower}s`;
}

/**
 * Maps a typed client method (`listNamespacedPod`, `readNode`,
 * `readNamespacedPodLog`) to its verb, resource and scope.
 */
export function typedMethodAccess(
  method: string,
): { verb: string; resource: string; namespaced: boolean } | undefined {
  const m =
    /^(deleteCollection|list|read|create|replace|patch|delete|watch)(Namespaced)?([A-Z][A-Za-z0-9]*?)(Log|Status|Scale|Eviction|Binding)?(ForAllNamespaces)?$/.exec(
      method,
    );
  if (!m) return undefined;
  const [, verbWord, namespacedWord, kind, sub, allNamespaces] = m;
  const resource = sub ? `${plural(kind)}/${SUBRESOURCES[sub]}` : plural(kind);
  return {
    verb: VERBS[verbWord],
    resource,
    namespaced: Boolean(namespacedWord) && !allNamespaces,
  };
}

/** Maps a CustomObjectsApi method to its verb and scope. */
export function customObjectMethodAccess(
  method: string,
): { verb: string; namespaced: boolean; sub?: string } | undefined {
  const m =
    /^(list|get|create|replace|patch|delete)(Namespaced|Cluster)CustomObject(Status|Scale)?$/.exec(
      method,
    );
  if (!m) return undefined;
  return {
    verb: VERBS[m[1]],
    namespaced: m[2] === 'Namespaced',
    sub: m[3] ? SUBRESOURCES[m[3]] : undefined,
  };
}

export interface SourceFileInput {
  fileName: string;
  text: string;
}

/** Plugin sources (no tests, no test utilities) under `plugins/<pkg>/src`. */
export function pluginSources(repoRoot: string): SourceFileInput[] {
  const out: SourceFileInput[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name === 'node_modules' || entry.name === '__testUtils__') {
          continue;
        }
        walk(full);
      } else if (
        /\.tsx?$/.test(entry.name) &&
        !/\.test\.tsx?$/.test(entry.name) &&
        !/setupTests\.ts$/.test(entry.name) &&
        !entry.name.endsWith('.d.ts')
      ) {
        out.push({
          fileName: path.relative(repoRoot, full),
          text: fs.readFileSync(full, 'utf8'),
        });
      }
    }
  };
  const plugins = path.join(repoRoot, 'plugins');
  for (const pkg of fs.readdirSync(plugins)) {
    const src = path.join(plugins, pkg, 'src');
    if (fs.existsSync(src)) walk(src);
  }
  return out;
}

export interface DeriveOptions {
  /**
   * Values of `this.location.<key>` / `location.<key>` (the location's
   * config), e.g. `{ kubeaiNamespace: 'kubeai' }`.
   */
  locationConfig: Record<string, string>;
}

export class UnresolvedError extends Error {}

/**
 * Every client call in `files` whose receiver was created with
 * `kubeConfig.makeApiClient(<Api class>)`, as the access it needs.
 */
export function deriveKubernetesCalls(
  files: SourceFileInput[],
  options: DeriveOptions,
): KubernetesCall[] {
  const sources = files.map(f =>
    ts.createSourceFile(f.fileName, f.text, ts.ScriptTarget.Latest, true),
  );

  // Top-level string constants of every file, by name.
  const constants = new Map<string, string>();
  for (const sf of sources) {
    for (const stmt of sf.statements) {
      if (!ts.isVariableStatement(stmt)) continue;
      for (const decl of stmt.declarationList.declarations) {
        if (
          ts.isIdentifier(decl.name) &&
          decl.initializer &&
          ts.isStringLiteralLike(decl.initializer)
        ) {
          constants.set(decl.name.text, decl.initializer.text);
        }
      }
    }
  }

  // All call expressions `<receiver>.<name>(...)` across files, by name.
  const callsByName = new Map<string, ts.CallExpression[]>();
  const visitAll = (node: ts.Node) => {
    if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression)
    ) {
      const name = node.expression.name.text;
      const list = callsByName.get(name) ?? [];
      list.push(node);
      callsByName.set(name, list);
    }
    ts.forEachChild(node, visitAll);
  };
  sources.forEach(visitAll);

  const site = (node: ts.Node) => {
    const sf = node.getSourceFile();
    const { line } = sf.getLineAndCharacterOfPosition(node.getStart());
    return `${sf.fileName}:${line + 1}`;
  };

  const enclosingFunction = (
    node: ts.Node,
  ): ts.FunctionLikeDeclaration | undefined => {
    let n: ts.Node | undefined = node.parent;
    while (n) {
      if (
        ts.isMethodDeclaration(n) ||
        ts.isFunctionDeclaration(n) ||
        ts.isArrowFunction(n) ||
        ts.isFunctionExpression(n) ||
        ts.isConstructorDeclaration(n)
      ) {
        return n;
      }
      n = n.parent;
    }
    return undefined;
  };

  /** Possible string values of an expression (several when callers differ). */
  function resolve(expr: ts.Expression, depth = 0): string[] {
    if (depth > 8) {
      throw new UnresolvedError(`too deep at ${site(expr)}`);
    }
    if (ts.isStringLiteralLike(expr)) return [expr.text];
    if (ts.isParenthesizedExpression(expr) || ts.isAsExpression(expr)) {
      return resolve(expr.expression, depth + 1);
    }
    if (ts.isPropertyAccessExpression(expr)) {
      // this.location.kubeaiNamespace / location.kubeaiNamespace
      const target = expr.expression;
      const isLocation =
        (ts.isPropertyAccessExpression(target) &&
          target.name.text === 'location') ||
        (ts.isIdentifier(target) && target.text === 'location');
      const key = expr.name.text;
      if (isLocation && key in options.locationConfig) {
        return [options.locationConfig[key]];
      }
      throw new UnresolvedError(
        `cannot resolve ${expr.getText()} at ${site(expr)}`,
      );
    }
    if (ts.isIdentifier(expr)) {
      return resolveIdentifier(expr, expr.text, depth);
    }
    throw new UnresolvedError(
      `cannot resolve ${expr.getText()} at ${site(expr)}`,
    );
  }

  function resolveIdentifier(
    at: ts.Node,
    name: string,
    depth: number,
  ): string[] {
    // Local const/let, or a parameter, of an enclosing function.
    for (let fn = enclosingFunction(at); fn; fn = enclosingFunction(fn)) {
      let local: ts.Expression | undefined;
      const find = (node: ts.Node) => {
        if (
          ts.isVariableDeclaration(node) &&
          ts.isIdentifier(node.name) &&
          node.name.text === name &&
          node.initializer &&
          node.getStart() < at.getStart()
        ) {
          local = node.initializer;
        }
        // Do not descend into nested functions other than the one holding `at`.
        if (
          node !== fn &&
          ts.isFunctionLike(node) &&
          !(node.pos <= at.pos && at.end <= node.end)
        ) {
          return;
        }
        ts.forEachChild(node, find);
      };
      if (fn.body) find(fn.body);
      if (local) return resolve(local, depth + 1);
      const index = fn.parameters.findIndex(
        p => ts.isIdentifier(p.name) && p.name.text === name,
      );
      if (index >= 0) {
        const param = fn.parameters[index];
        if (!ts.isMethodDeclaration(fn) || !ts.isIdentifier(fn.name)) {
          throw new UnresolvedError(
            `parameter ${name} of a function that is not a named method at ${site(
              at,
            )}`,
          );
        }
        const values = new Set<string>();
        const callers = (callsByName.get(fn.name.text) ?? []).filter(
          c => c.arguments.length > index || param.initializer,
        );
        for (const caller of callers) {
          const arg = caller.arguments[index] ?? param.initializer!;
          resolve(arg, depth + 1).forEach(v => values.add(v));
        }
        if (values.size === 0) {
          // A method nobody calls needs no permission.
          return [];
        }
        return [...values];
      }
    }
    const constant = constants.get(name);
    if (constant !== undefined) return [constant];
    throw new UnresolvedError(`cannot resolve ${name} at ${site(at)}`);
  }

  /** The object literal properties of a call's first argument, spreads included. */
  const objectProperties = (
    expr: ts.Expression,
    depth = 0,
  ): Map<string, ts.Expression> => {
    const props = new Map<string, ts.Expression>();
    if (depth > 4) return props;
    if (!ts.isObjectLiteralExpression(expr)) {
      throw new UnresolvedError(
        `first argument is not an object literal at ${site(expr)}`,
      );
    }
    for (const p of expr.properties) {
      if (ts.isPropertyAssignment(p) && ts.isIdentifier(p.name)) {
        props.set(p.name.text, p.initializer);
      } else if (ts.isShorthandPropertyAssignment(p)) {
        props.set(p.name.text, p.name);
      } else if (ts.isSpreadAssignment(p)) {
        // ...this.helper(): the object literal the helper method returns.
        const call = p.expression;
        if (
          ts.isCallExpression(call) &&
          ts.isPropertyAccessExpression(call.expression) &&
          call.expression.expression.kind === ts.SyntaxKind.ThisKeyword
        ) {
          const helper = call.expression.name.text;
          const cls = findClass(call);
          const method = cls?.members.find(
            (m): m is ts.MethodDeclaration =>
              ts.isMethodDeclaration(m) &&
              ts.isIdentifier(m.name) &&
              m.name.text === helper,
          );
          const ret = method?.body?.statements.find(ts.isReturnStatement);
          if (!ret?.expression) {
            throw new UnresolvedError(
              `cannot read ${call.getText()} at ${site(call)}`,
            );
          }
          for (const [k, v] of objectProperties(ret.expression, depth + 1)) {
            props.set(k, v);
          }
        } else {
          throw new UnresolvedError(
            `cannot read spread ${p.getText()} at ${site(p)}`,
          );
        }
      }
    }
    return props;
  };

  function enclosingMethodName(node: ts.Node): string | undefined {
    for (let n: ts.Node | undefined = node.parent; n; n = n.parent) {
      if (ts.isMethodDeclaration(n) && ts.isIdentifier(n.name)) {
        return n.name.text;
      }
    }
    return undefined;
  }

  function findClass(node: ts.Node): ts.ClassDeclaration | undefined {
    let n: ts.Node | undefined = node.parent;
    while (n) {
      if (ts.isClassDeclaration(n)) return n;
      n = n.parent;
    }
    return undefined;
  }

  const required = (
    props: Map<string, ts.Expression>,
    key: string,
    where: string,
  ): ts.Expression => {
    const value = props.get(key);
    if (!value) {
      throw new UnresolvedError(`no ${key} in the call at ${where}`);
    }
    return value;
  };

  const result: KubernetesCall[] = [];
  for (const sf of sources) {
    // Receivers: `this.<prop> = <kc>.makeApiClient(<Api>)` in any class.
    const receivers = new Map<string, string>();
    const findReceivers = (node: ts.Node) => {
      if (
        ts.isBinaryExpression(node) &&
        node.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
        ts.isPropertyAccessExpression(node.left) &&
        node.left.expression.kind === ts.SyntaxKind.ThisKeyword &&
        ts.isCallExpression(node.right) &&
        ts.isPropertyAccessExpression(node.right.expression) &&
        node.right.expression.name.text === 'makeApiClient' &&
        node.right.arguments.length === 1 &&
        ts.isIdentifier(node.right.arguments[0])
      ) {
        receivers.set(
          node.left.name.text,
          (node.right.arguments[0] as ts.Identifier).text,
        );
      }
      ts.forEachChild(node, findReceivers);
    };
    findReceivers(sf);
    if (receivers.size === 0) continue;

    const visit = (node: ts.Node) => {
      if (
        ts.isCallExpression(node) &&
        ts.isPropertyAccessExpression(node.expression) &&
        ts.isPropertyAccessExpression(node.expression.expression) &&
        node.expression.expression.expression.kind ===
          ts.SyntaxKind.ThisKeyword &&
        receivers.has(node.expression.expression.name.text)
      ) {
        const api = receivers.get(node.expression.expression.name.text)!;
        const method = node.expression.name.text;
        const where = site(node);
        const caller = enclosingMethodName(node);
        const arg = node.arguments[0];
        if (api === 'CustomObjectsApi') {
          const access = customObjectMethodAccess(method);
          if (!access) {
            throw new UnresolvedError(
              `unknown CustomObjectsApi method ${method} at ${where}`,
            );
          }
          const props = objectProperties(arg);
          const groups = resolve(required(props, 'group', where));
          const plurals = resolve(required(props, 'plural', where));
          const namespaces = access.namespaced
            ? resolve(required(props, 'namespace', where))
            : [undefined];
          for (const apiGroup of groups)
            for (const p of plurals)
              for (const namespace of namespaces)
                result.push({
                  namespace,
                  apiGroup,
                  resource: access.sub ? `${p}/${access.sub}` : p,
                  verb: access.verb,
                  site: where,
                  method,
                  caller,
                });
        } else if (api in API_GROUPS) {
          const access = typedMethodAccess(method);
          if (!access) {
            throw new UnresolvedError(
              `unknown ${api} method ${method} at ${where}`,
            );
          }
          const namespaces = access.namespaced
            ? resolve(required(objectProperties(arg), 'namespace', where))
            : [undefined];
          for (const namespace of namespaces)
            result.push({
              namespace,
              apiGroup: API_GROUPS[api],
              resource: access.resource,
              verb: access.verb,
              site: where,
              method,
              caller,
            });
        } else {
          throw new UnresolvedError(`unknown API class ${api} at ${where}`);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return result;
}

/** `ns|group|resource|verb` keys, sorted and unique. */
export function accessKeys(accesses: KubernetesAccess[]): string[] {
  return [
    ...new Set(
      accesses.map(
        a =>
          `${a.namespace ?? '(cluster)'}|${a.apiGroup}|${a.resource}|${a.verb}`,
      ),
    ),
  ].sort();
}
