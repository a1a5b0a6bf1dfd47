import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// The README's test command runs two jest workers on two cores beside
// suites that start whole backends: give findBy*/waitFor more than the
// default second before they fail, and each test more than jest's default
// 5 seconds, which one of those waits alone could use up.
configure({ asyncUtilTimeout: 10_000 });
jest.setTimeout(30_000);
