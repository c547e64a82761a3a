// Start GOV.UK Frontend's components (character counts, error summary focus, navigation).
import { initAll } from "../vendor/govuk-frontend/govuk-frontend.min.js";

initAll();
