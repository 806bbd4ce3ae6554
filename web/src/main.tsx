// The page: sign-in until a token is accepted, then the Services, a Service and Flow search views.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { sessionToken, whenUnauthorized } from './api.js';
import { FlowsPage } from './pages/flows.js';
import { Login } from './pages/login.js';
import { ServicePage } from './pages/service.js';
import { ServicesPage } from './pages/services.js';
import { useRoute } from './route.js';
import './style.css';

function App() {
  const [signedIn, setSignedIn] = useState(() => sessionToken.get() !== null);
  const [problem, setProblem] = useState<string | null>(null);
  const route = useRoute();
  useEffect(() => {
    whenUnauthorized((message) => {
      sessionToken.clear();
      setProblem(`The collector refused the token (${message}). Sign in again.`);
      setSignedIn(false);
    });
  }, []);
  useEffect(() => {
    document.title =
      route.page === 'service'
        ? `${route.key} · snatscope`
        : route.page === 'flows'
          ? 'Flow search · snatscope'
          : 'Services · snatscope';
  }, [route]);

  return (
    <>
      <a
        class="skip"
        href="#main"
        onClick={(e) => {
          e.preventDefault();
          document.getElementById('main')?.focus();
        }}
      >
        Skip to content
      </a>
      <header class="top">
        <span class="brand">snatscope</span>
        {signedIn && (
          <nav aria-label="Pages">
            <a href="#/services" aria-current={route.page === 'services' ? 'page' : undefined}>
              Services
            </a>
            <a href="#/flows" aria-current={route.page === 'flows' ? 'page' : undefined}>
              Flow search
            </a>
            <button
              type="button"
              onClick={() => {
                sessionToken.clear();
                setProblem(null);
                setSignedIn(false);
              }}
            >
              Sign out
            </button>
          </nav>
        )}
      </header>
      {!signedIn ? (
        <Login
          problem={problem}
          onSignedIn={() => {
            setProblem(null);
            setSignedIn(true);
          }}
        />
      ) : route.page === 'service' ? (
        <ServicePage key={route.key} serviceKey={route.key} />
      ) : route.page === 'flows' ? (
        <FlowsPage key={route.query.toString()} query={route.query} />
      ) : (
        <ServicesPage />
      )}
    </>
  );
}

const root = document.getElementById('app');
if (root) render(<App />, root);
