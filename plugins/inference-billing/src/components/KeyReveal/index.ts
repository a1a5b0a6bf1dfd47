export { KeyReveal } from './KeyReveal';
