export { LocationServersCard } from './LocationServersCard';
