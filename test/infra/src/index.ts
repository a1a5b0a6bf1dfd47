/*
 * Tests of infra/ (no runtime code): Kustomize overlays, RBAC derived from
 * the plugins' Kubernetes client calls, the production Dockerfile, and two
 * backends on one PostgreSQL database.
 */
export * from './kubernetesCalls';
export * from './render';
