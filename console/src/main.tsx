import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';

import { App } from './App';
import './styles.css';

// A page that plots starts fetching the chart code at once, alongside its data, not after it.
if (/\/experiments\/[^/]+\/[^/]+/.test(window.location.pathname)) {
  void import('./charts/ForestPlot');
}

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
