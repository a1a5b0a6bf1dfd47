/**
 * Scaffolder actions of customer onboarding: `inference:customer:requestOnboarding`,
 * `inference:approval:await` and `inference:customer:provision`, calling the
 * inference-billing plugin's `/onboarding` API.
 *
 * @packageDocumentation
 */
export { scaffolderModuleInferenceBilling as default } from './module';
