// Progressive enhancement for GOV.UK Frontend components. The page works without it.
import { initAll } from "./build/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
