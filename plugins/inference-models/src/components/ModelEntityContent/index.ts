export { ModelEntityContent, curlExample } from './ModelEntityContent';
