export { NodesPage } from './NodesPage';
