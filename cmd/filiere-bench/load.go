package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
	"time"
)

// loginPostClients caps the clients of login-post: the server hashes at most
// GOMAXPROCS passwords at once, so more clients only lengthen the queue.
const loginPostClients = 10

// scenario is one kind of request, repeated by every client.
type scenario struct {
	name         string
	method, path string
	form         url.Values // the body of a POST; such clients keep no cookies
	expect       int        // any other status is an error
	signIn       url.Values // when set, each client posts this login before the clock starts
	maxClients   int        // 0: as many as -clients
}

// scenarios lists every scenario in the order they run; the first is the
// baseline the others are compared with.
func scenarios(email, password string) []scenario {
	staff := url.Values{"email": {email}, "password": {password}}
	return []scenario{
		{name: "baseline", method: http.MethodGet, path: "/healthz", expect: http.StatusOK},
		{name: "login-page", method: http.MethodGet, path: "/login", expect: http.StatusOK},
		{name: "dashboard", method: http.MethodGet, path: "/dashboard", expect: http.StatusOK, signIn: staff},
		{name: "organisations", method: http.MethodGet, path: "/organisations?sector=medtech", expect: http.StatusOK, signIn: staff},
		{name: "login-post", method: http.MethodPost, path: "/login", expect: http.StatusSeeOther,
			form: staff, maxClients: loginPostClients},
	}
}

func scenarioNames() []string {
	var names []string
	for _, s := range scenarios("", "") {
		names = append(names, s.name)
	}
	return names
}

// sample is what the clients of one scenario saw while the clock ran.
type sample struct {
	clients   int
	elapsed   time.Duration
	latencies []time.Duration // one per measured request, completed or failed
	statuses  map[int]int     // responses by status code
	failures  map[string]int  // requests without a response, by error
}

func newSample() sample { return sample{statuses: map[int]int{}, failures: map[string]int{}} }

func (s *sample) add(o sample) {
	s.latencies = append(s.latencies, o.latencies...)
	for k, v := range o.statuses {
		s.statuses[k] += v
	}
	for k, v := range o.failures {
		s.failures[k] += v
	}
}

// newClient is one simulated visitor: its own connection (kept alive), its
// own cookies when jar is set, and redirects returned rather than followed.
func newClient(jar bool) *http.Client {
	c := &http.Client{
		Transport:     &http.Transport{MaxIdleConnsPerHost: 1, IdleConnTimeout: time.Minute},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Timeout:       time.Minute,
	}
	if jar {
		c.Jar, _ = cookiejar.New(nil) // never fails without options
	}
	return c
}

// runScenario runs sc's clients for warmup, then measures them for duration.
// Requests started before the clock are not recorded; those started before
// it stops are, and elapsed runs until the last one ends.
func runScenario(ctx context.Context, base string, sc scenario, clients int, warmup, duration time.Duration) (sample, error) {
	n := clients
	if sc.maxClients > 0 {
		n = min(n, sc.maxClients)
	}
	cs := make([]*http.Client, n)
	for i := range cs {
		cs[i] = newClient(sc.form == nil)
		defer cs[i].CloseIdleConnections()
		if sc.signIn != nil {
			if err := signIn(ctx, cs[i], base, sc.signIn); err != nil {
				return sample{}, fmt.Errorf("%s: client %d: %w", sc.name, i, err)
			}
		}
	}
	per := make([]sample, n)
	from := time.Now().Add(warmup)
	until := from.Add(duration)
	var wg sync.WaitGroup
	for i, c := range cs {
		per[i] = newSample()
		wg.Go(func() {
			s := &per[i]
			for ctx.Err() == nil {
				t0 := time.Now()
				if !t0.Before(until) {
					return
				}
				status, err := do(ctx, c, base, sc.method, sc.path, sc.form)
				if t0.Before(from) {
					continue
				}
				s.latencies = append(s.latencies, time.Since(t0))
				if err != nil {
					s.failures[err.Error()]++
				} else {
					s.statuses[status]++
				}
			}
		})
	}
	wg.Wait()
	total := newSample()
	total.clients, total.elapsed = n, time.Since(from)
	for _, s := range per {
		total.add(s)
	}
	return total, ctx.Err()
}

// signIn posts the staff login with c, whose jar keeps the session cookie.
// A refused login answers 422 (or 403 from the cross-origin check).
func signIn(ctx context.Context, c *http.Client, base string, login url.Values) error {
	status, err := do(ctx, c, base, http.MethodPost, "/login", login)
	if err != nil {
		return fmt.Errorf("sign in: %w", err)
	}
	if status != http.StatusSeeOther {
		return fmt.Errorf("sign in as %s: status %d, want 303", login.Get("email"), status)
	}
	return nil
}

// do sends one request, reads the whole answer and returns its status.
func do(ctx context.Context, c *http.Client, base, method, path string, form url.Values) (int, error) {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, base+path, body)
	if err != nil {
		return 0, err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return 0, err
	}
	return resp.StatusCode, nil
}
