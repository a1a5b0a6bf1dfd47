import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import { navModule } from './modules/nav';
import { signInModule } from './modules/signIn';
import { searchModule } from './modules/search';
import { homeModule } from './modules/home';

export default createApp({
  features: [catalogPlugin, navModule, signInModule, searchModule, homeModule],
});
