package e2e

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"filiere/internal/auth"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

const (
	// suiteTimeout bounds the whole run: building the binary, starting the
	// server and the browser, and every test.
	suiteTimeout = 2 * time.Minute
	// stepTimeout bounds one browser step: a navigation, a wait for an
	// element, a read.
	stepTimeout = 15 * time.Second
	// stopGrace is how long the server has to stop after SIGINT before it
	// is killed.
	stopGrace = 15 * time.Second
	// screenshotDir receives a full-page screenshot of every failed test.
	screenshotDir = "screenshots"
)

// suiteCtx ends when the suite runs out of time; the server and the
// browser live under it.
var suiteCtx context.Context

func TestMain(m *testing.M) {
	ctx, cancel := context.WithTimeout(context.Background(), suiteTimeout)
	suiteCtx = ctx
	code := m.Run()
	stopBrowser()
	stopApp()
	cancel()
	os.Exit(code)
}

// strict reports whether a missing outside program fails the tests
// instead of skipping them.
func strict() bool { return os.Getenv("FILIERE_TEST_STRICT") == "1" }

// output collects what a process writes, for concurrent readers.
type output struct {
	mu   sync.Mutex
	b    strings.Builder
	grew chan struct{} // closed, then replaced, at every write
}

func newOutput() *output { return &output{grew: make(chan struct{})} }

func (o *output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.b.Write(p)
	close(o.grew)
	o.grew = make(chan struct{})
	return len(p), nil
}

// snapshot returns what was written so far and a channel closed at the
// next write.
func (o *output) snapshot() (string, <-chan struct{}) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.b.String(), o.grew
}

func (o *output) String() string {
	s, _ := o.snapshot()
	return s
}

// login is one demo account printed by serve --demo.
type login struct{ email, password string }

// app is the filiere server under test.
type app struct {
	url    string
	logins map[string]login // by role
	output *output          // stdout and stderr, in the order written
	dir    string           // holds the binary and the server's working directory
	cmd    *exec.Cmd
	exited chan struct{} // closed when the process has exited
}

var (
	appOnce sync.Once
	theApp  *app
	appErr  error
)

// wantedRoles are the demo logins the tests use.
var wantedRoles = []string{string(auth.RoleStaff), string(auth.RoleMember), string(auth.RoleExpert)}

// account is the demo login of role.
func (a *app) account(t *testing.T, role auth.Role) login {
	t.Helper()
	l, ok := a.logins[string(role)]
	if !ok {
		t.Fatalf("serve --demo printed no %s login", role)
	}
	return l
}

// startedApp builds and starts the server the first time it is called and
// returns it; every test shares it.
func startedApp(t *testing.T) *app {
	t.Helper()
	appOnce.Do(func() { theApp, appErr = startApp(suiteCtx) })
	if appErr != nil {
		t.Fatal(appErr)
	}
	return theApp
}

// startApp builds cmd/filiere and runs `filiere serve --demo` on a free
// port in a fresh directory, until it has printed its URL and the logins.
func startApp(ctx context.Context) (*app, error) {
	root, err := moduleRoot()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "filiere-e2e-")
	if err != nil {
		return nil, fmt.Errorf("start app: %w", err)
	}
	bin := filepath.Join(dir, "filiere")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, "filiere/cmd/filiere")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("go build filiere/cmd/filiere: %w\n%s", err, out)
	}
	work := filepath.Join(dir, "work")
	if err := os.Mkdir(work, 0o755); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("start app: %w", err)
	}

	a := &app{output: newOutput(), dir: dir, exited: make(chan struct{})}
	a.cmd = exec.CommandContext(ctx, bin, "serve", "--demo", "--addr", "127.0.0.1:0")
	a.cmd.Dir = work // serve --demo creates ./filiere-demo.db
	a.cmd.Env = serverEnv()
	// One writer for both makes exec share one pipe, so the output keeps
	// the order of the writes: the log line "serving" comes after the URL
	// and the logins.
	a.cmd.Stdout, a.cmd.Stderr = a.output, a.output
	a.cmd.WaitDelay = stopGrace
	if err := a.cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	var waitErr error
	go func() {
		waitErr = a.cmd.Wait()
		close(a.exited)
	}()

	for {
		out, grew := a.output.snapshot()
		// The server logs "serving" once it has printed its URL and
		// logins: past that line no login will come.
		done := strings.Contains(out, "msg=serving")
		url, logins := parseServeOutput(out)
		if url != "" && (done || hasRoles(logins, wantedRoles)) {
			if !hasRoles(logins, wantedRoles) {
				a.stop()
				return nil, fmt.Errorf("serve --demo printed no login for every role of %v; output:\n%s", wantedRoles, out)
			}
			a.url, a.logins = url, logins
			return a, nil
		}
		select {
		case <-grew:
		case <-a.exited:
			a.stop()
			return nil, fmt.Errorf("filiere serve --demo exited (%v) before printing its URL; output:\n%s", waitErr, a.output)
		case <-ctx.Done():
			a.stop()
			return nil, fmt.Errorf("filiere serve --demo printed no URL within the suite's %s; output:\n%s", suiteTimeout, a.output)
		}
	}
}

// loginLine is a line of the demo logins: "  staff   staff@… : password".
var loginLine = regexp.MustCompile(`^\s+(\S+)\s+(\S+@\S+)\s+:\s+(\S+)\s*$`)

// parseServeOutput reads the URL and the demo logins from the complete
// lines of serve's output.
func parseServeOutput(out string) (url string, logins map[string]login) {
	logins = map[string]login{}
	lines := strings.Split(out, "\n")
	for _, line := range lines[:len(lines)-1] { // the last one is not complete
		if u, ok := strings.CutPrefix(line, "filiere is running at "); ok {
			url = strings.TrimSpace(u)
			continue
		}
		if m := loginLine.FindStringSubmatch(line); m != nil && url != "" {
			logins[m[1]] = login{email: m[2], password: m[3]}
		}
	}
	return url, logins
}

func hasRoles(logins map[string]login, roles []string) bool {
	for _, r := range roles {
		if _, ok := logins[r]; !ok {
			return false
		}
	}
	return true
}

// serverEnv is the test's environment without FILIERE_* settings, so the
// server runs on its demo defaults whatever the shell exports.
func serverEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "FILIERE_") {
			env = append(env, kv)
		}
	}
	return env
}

// moduleRoot walks up from the working directory to the folder of go.mod.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("module root: %w", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("module root: no go.mod above the working directory")
		}
		dir = parent
	}
}

// stop interrupts the server, kills it if it lingers, and removes its
// directory.
func (a *app) stop() {
	if a.cmd.Process != nil {
		_ = a.cmd.Process.Signal(os.Interrupt)
		select {
		case <-a.exited:
		case <-time.After(stopGrace):
			_ = a.cmd.Process.Kill()
			<-a.exited
		}
	}
	os.RemoveAll(a.dir)
}

func stopApp() {
	if theApp != nil {
		theApp.stop()
	}
}

// errorLines returns the server's ERROR log lines written after offset.
func (a *app) errorLines(offset int) []string {
	all := a.output.String()
	var bad []string
	for line := range strings.Lines(all[min(offset, len(all)):]) {
		if strings.Contains(line, "level=ERROR") {
			bad = append(bad, strings.TrimSpace(line))
		}
	}
	return bad
}

// browser is the one Chromium the tests share; each test has its own
// browser context (cookies) and tab.
type browser struct {
	ctx     context.Context // a chromedp context with the running browser
	cancel  func()
	dataDir string
	output  *output
}

var (
	browserOnce sync.Once
	theBrowser  *browser
	browserErr  error
)

// chromiumPath finds Debian's Chromium.
func chromiumPath() (string, error) {
	if p, err := exec.LookPath("/usr/bin/chromium"); err == nil {
		return p, nil
	}
	return exec.LookPath("chromium")
}

// startedBrowser starts Chromium the first time it is called. Without
// Chromium the test is skipped, or fails under FILIERE_TEST_STRICT=1.
func startedBrowser(t *testing.T) *browser {
	t.Helper()
	path, err := chromiumPath()
	if err != nil {
		if strict() {
			t.Fatalf("chromium not found and FILIERE_TEST_STRICT=1: %v", err)
		}
		t.Skipf("chromium not found, browser test skipped: %v", err)
	}
	browserOnce.Do(func() { theBrowser, browserErr = startBrowser(suiteCtx, path) })
	if browserErr != nil {
		t.Fatal(browserErr)
	}
	return theBrowser
}

func startBrowser(ctx context.Context, path string) (*browser, error) {
	dataDir, err := os.MkdirTemp("", "filiere-e2e-chromium-")
	if err != nil {
		return nil, fmt.Errorf("start chromium: %w", err)
	}
	b := &browser{dataDir: dataDir, output: newOutput()}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("lang", "fr-FR"),
		chromedp.UserDataDir(dataDir),
		chromedp.WindowSize(1280, 900),
		chromedp.CombinedOutput(b.output),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	bctx, cancelBrowser := chromedp.NewContext(allocCtx)
	b.ctx = bctx
	b.cancel = func() {
		_ = chromedp.Cancel(bctx)
		cancelBrowser()
		cancelAlloc()
		os.RemoveAll(dataDir)
	}
	if err := chromedp.Do(bctx); err != nil { // starts the browser
		b.cancel()
		return nil, fmt.Errorf("start %s: %w\n%s", path, err, b.output)
	}
	return b, nil
}

func stopBrowser() {
	if theBrowser != nil {
		theBrowser.cancel()
	}
}

// tab is one test's browser tab, in a browser context of its own, on the
// shared server. Its methods fail the test on error.
type tab struct {
	t   *testing.T
	ctx context.Context
	app *app

	mu      sync.Mutex
	console []string // page errors seen in the console
}

// newTab opens a tab that asks for French pages. When the test ends, the
// tab reports JavaScript and security errors and the server's ERROR log
// lines of the test as failures, and leaves a screenshot if the test failed.
func newTab(t *testing.T) *tab {
	t.Helper()
	b := startedBrowser(t)
	a := startedApp(t)
	ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	tb := &tab{t: t, ctx: ctx, app: a}

	// The first call opens the tab, without a deadline: a deadline on it
	// would close the tab when it passes.
	if _, err := chromedp.Call(ctx, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{
		Headers: network.Headers{"Accept-Language": "fr-FR,fr;q=0.9"},
	}); err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			if pageError(m) {
				tb.mu.Lock()
				tb.console = append(tb.console, fmt.Sprintf("%s %s (%s:%d)", m.Type, m.Text, m.URL, m.Line))
				tb.mu.Unlock()
			}
		}
	}()

	t.Cleanup(tb.screenshotIfFailed)
	mark := len(a.output.String())
	t.Cleanup(func() {
		tb.mu.Lock()
		defer tb.mu.Unlock()
		for _, m := range tb.console {
			t.Errorf("page error in the browser console: %s", m)
		}
		for _, line := range a.errorLines(mark) {
			t.Errorf("server logged an error: %s", line)
		}
	})
	return tb
}

// pageError reports whether a console message shows a fault of the page:
// an uncaught exception, a console.error call, a security (CSP) report, or
// a static asset that failed to load. Error statuses of the pages
// themselves (403, 422) are expected and not reported.
func pageError(m chromedp.ConsoleMessage) bool {
	switch {
	case m.IsException():
		return true
	case m.Type != chromedp.ConsoleError:
		return false
	case m.Source == "network":
		return strings.Contains(m.URL, "/static/")
	default:
		return true
	}
}

// screenshotIfFailed saves a full-page screenshot of a failed test in
// screenshots/<TestName>.png.
func (tb *tab) screenshotIfFailed() {
	if !tb.t.Failed() {
		return
	}
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		tb.t.Logf("no screenshot: %v", err)
		return
	}
	name := strings.NewReplacer("/", "_", " ", "_").Replace(tb.t.Name()) + ".png"
	path, err := filepath.Abs(filepath.Join(screenshotDir, name))
	if err == nil {
		err = os.MkdirAll(filepath.Dir(path), 0o755)
	}
	if err == nil {
		err = os.WriteFile(path, png, 0o644)
	}
	if err != nil {
		tb.t.Logf("no screenshot: %v", err)
		return
	}
	tb.t.Logf("screenshot of the page: %s", path)
}

// step runs one action with stepTimeout.
func step[T any](tb *tab, what string, a chromedp.Action[T]) T {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		tb.t.Fatalf("%s: %v", what, err)
	}
	return v
}

// open loads the page at path and returns the HTTP status of its document
// (after redirects).
func (tb *tab) open(path string) int64 {
	tb.t.Helper()
	res := step(tb, "open "+path, chromedp.NavigateResponse(tb.app.url+path))
	return res.Status
}

// submit clicks the button sel and waits for the page it leads to; it
// returns that page's HTTP status.
func (tb *tab) submit(sel string) int64 {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(sel))); err != nil {
		tb.t.Fatalf("wait for %s: %v", sel, err)
	}
	res, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible))
	if err != nil {
		tb.t.Fatalf("click %s and wait for the next page: %v", sel, err)
	}
	return res.Status
}

// fill empties the field sel and types value into it.
func (tb *tab) fill(sel, value string) {
	tb.t.Helper()
	// chromedp.SetValue cannot set "" (the empty argument is dropped and
	// the field reads "undefined"), so the field is emptied in the page.
	empty := chromedp.Evaluate[bool](fmt.Sprintf(`(e => { e.value = ""; return true })(document.querySelector(%q))`, sel))
	step(tb, "fill "+sel, chromedp.Steps(
		chromedp.WaitVisible(chromedp.CSS(sel)),
		func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
			_, err := empty(ctx, t)
			return chromedp.Void{}, err
		},
		chromedp.SendKeys(chromedp.CSS(sel), value),
	))
}

// login fills the login form of the current page and submits it; it
// returns the HTTP status of the page that follows.
func (tb *tab) login(email, password string) int64 {
	tb.t.Helper()
	tb.fill("#f-email", email)
	tb.fill("#f-password", password)
	return tb.submit("#login-submit")
}

// text is the visible text of the first element matching sel, once
// visible.
func (tb *tab) text(sel string) string {
	tb.t.Helper()
	step(tb, "wait for "+sel, chromedp.WaitVisible(chromedp.CSS(sel)))
	return strings.TrimSpace(step(tb, "read the text of "+sel, chromedp.Text(chromedp.CSS(sel))))
}

// value is the current value of the form field sel.
func (tb *tab) value(sel string) string {
	tb.t.Helper()
	return step(tb, "read the value of "+sel, chromedp.Value(chromedp.CSS(sel), chromedp.NodeReady))
}

// attr is the attribute name of the first element matching sel.
func (tb *tab) attr(sel, name string) string {
	tb.t.Helper()
	return step(tb, "read "+sel+"["+name+"]", chromedp.AttributeValue(chromedp.CSS(sel), name, chromedp.NodeReady)).Value
}

// path is the path of the page's URL.
func (tb *tab) path() string {
	tb.t.Helper()
	loc := step(tb, "read the location", chromedp.Location())
	u, err := url.Parse(loc)
	if err != nil {
		tb.t.Fatalf("location %q: %v", loc, err)
	}
	return u.Path
}
