export {
  LocationEntityContent,
  type LocationCard,
} from './LocationEntityContent';
