// Starts the GOV.UK Frontend components on every page (loaded as a module, so CSP allows it).
import { initAll } from './govuk-frontend.min.js';

initAll();
