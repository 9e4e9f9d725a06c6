// Every page: nothing required; the language switch is a plain form button.
"use strict";
