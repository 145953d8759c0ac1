package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// lockedBuffer collects what concurrent goroutines (the logger) write.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// server is one in-process filiere serve.
type server struct {
	url     string
	cancel  context.CancelFunc
	done    chan int
	drained chan struct{} // closed once stdout holds everything printed
	stdout  *lockedBuffer // everything printed after the URL line
	stderr  *lockedBuffer
}

// startServe runs filiere serve args until the URL line appears and returns
// the running server; stop ends it.
func startServe(t *testing.T, args ...string) *server {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	pr, pw := io.Pipe()
	s := &server{cancel: cancel, done: make(chan int, 1), stdout: &lockedBuffer{}, stderr: &lockedBuffer{}}
	go func() {
		code := run(ctx, append([]string{"serve"}, args...), nil, pw, s.stderr)
		pw.Close()
		s.done <- code
	}()
	sc := bufio.NewScanner(pr)
	for sc.Scan() {
		if u, ok := strings.CutPrefix(sc.Text(), "filiere is running at "); ok {
			s.url = u
			break
		}
	}
	if s.url == "" { // serve returned without printing its URL
		cancel()
		t.Fatalf("serve exited with %d before printing its URL; stderr:\n%s", <-s.done, s.stderr)
	}
	s.drained = make(chan struct{})
	go func() {
		_, _ = io.Copy(s.stdout, pr)
		close(s.drained)
	}()
	t.Cleanup(func() {
		cancel()
		<-s.drained
	})
	return s
}

// stop cancels the server's context, as SIGINT does, and returns its exit code.
func (s *server) stop() int {
	s.cancel()
	code := <-s.done
	<-s.drained
	return code
}

func (s *server) get(t *testing.T, path string) int {
	t.Helper()
	res, err := http.Get(s.url + path)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, res.Body)
	return res.StatusCode
}

func TestServeDemoCreatesTheClusterServesAndShutsDownOnCancel(t *testing.T) {
	t.Setenv("FILIERE_DATABASE_URL", "") // --demo then uses ./filiere-demo.db
	dir := t.TempDir()
	t.Chdir(dir)

	s := startServe(t, "--demo", "--addr", "127.0.0.1:0")
	if strings.HasSuffix(s.url, ":0") || !strings.HasPrefix(s.url, "http://127.0.0.1:") {
		t.Errorf("printed URL %q is not the bound address", s.url)
	}
	for _, path := range []string{"/login", "/healthz"} {
		if code := s.get(t, path); code != http.StatusOK {
			t.Errorf("GET %s = %d, want 200", path, code)
		}
	}
	if code := s.stop(); code != 0 {
		t.Fatalf("serve exited %d after cancel; stderr:\n%s", code, s.stderr)
	}
	if !strings.Contains(s.stdout.String(), "Demo logins (password after the colon):") || !strings.Contains(s.stdout.String(), "admin") {
		t.Errorf("serve --demo printed no logins:\n%s", s.stdout)
	}
	if _, err := os.Stat(filepath.Join(dir, "filiere-demo.db")); err != nil {
		t.Fatalf("demo database not created in the working directory: %v", err)
	}
	d, _ := openUsers(t, "sqlite://"+filepath.Join(dir, "filiere-demo.db"))
	var orgs int
	if err := d.QueryRow(context.Background(), "SELECT COUNT(*) FROM organisations").Scan(&orgs); err != nil || orgs == 0 {
		t.Fatalf("demo database holds %d organisations (%v)", orgs, err)
	}

	// A second start reuses the cluster instead of generating another.
	again := startServe(t, "--demo", "--addr", "127.0.0.1:0")
	if code := again.get(t, "/healthz"); code != http.StatusOK {
		t.Errorf("second start: GET /healthz = %d", code)
	}
	if code := again.stop(); code != 0 {
		t.Fatalf("second serve exited %d; stderr:\n%s", code, again.stderr)
	}
	if out := again.stdout.String(); !strings.Contains(out, "demo database already present") || !strings.Contains(out, "staff@demo.filiere.example") {
		t.Errorf("second start printed:\n%s", again.stdout)
	}
	var after int
	if err := d.QueryRow(context.Background(), "SELECT COUNT(*) FROM organisations").Scan(&after); err != nil || after != orgs {
		t.Errorf("second start changed the cluster: %d organisations, then %d (%v)", orgs, after, err)
	}
}
