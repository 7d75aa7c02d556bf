// The page's entry point: registering <kiln-app> registers every component it uses.
import './components/kiln-app/kiln-app.js';
