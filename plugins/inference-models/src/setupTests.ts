import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// The README's test command runs two jest workers on two cores beside
// suites that start whole backends: give findBy*/waitFor more than the
// default second before they fail.
configure({ asyncUtilTimeout: 10_000 });
