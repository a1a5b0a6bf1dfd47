export { ServerEntityContent } from './ServerEntityContent';
