import type {
  LocationError,
  LocationListResponse,
} from '@internal/backstage-plugin-inference-common';

export type { LocationError };

/** Live state of one KubeAI Model in one location, as the API returns it. */
export type ModelSummary = {
  location: string;
  name: string;
  engine: string;
  url: string;
  features: string[];
  resourceProfile?: string;
  cacheProfile?: string;
  replicas: {
    desired: number;
    ready: number;
    min?: number;
    max?: number;
  };
  /** `Ready` when every desired replica is ready, `Scaling` otherwise, `ScaledToZero` at 0. */
  status: 'Ready' | 'Scaling' | 'ScaledToZero';
  createdAt?: string;
};

export type ModelListResponse = LocationListResponse<ModelSummary>;
