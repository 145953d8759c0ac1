package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"filiere/internal/meetings"
)

// writeLP writes p as an integer linear program in CPLEX LP format: one
// binary x_e_s per request e and common available slot s, maximising the
// total weight, with the rules of package meetings as constraints. Fixed
// meetings are fixed to 1. The model is written from Problem alone,
// independently of the scheduler's code.
func writeLP(w io.Writer, p meetings.Problem) error {
	bw := bufio.NewWriter(w)
	index := map[string]int{}
	for i, pt := range p.Participants {
		index[pt.ID] = i
	}
	avail := make([]map[int]bool, len(p.Participants))
	for i, pt := range p.Participants {
		avail[i] = map[int]bool{}
		for _, s := range pt.Available {
			avail[i][s] = true
		}
	}
	var obj []string
	pair := map[int][]string{}
	personSlot := map[[2]int][]string{}
	person := map[int][]string{}
	table := map[int][]string{}
	var vars []string
	reqOf := map[[2]int]int{}
	for e, r := range p.Requests {
		a, b := index[r.A], index[r.B]
		reqOf[[2]int{min(a, b), max(a, b)}] = e
		needsTable := !p.Participants[a].Stand && !p.Participants[b].Stand
		for s := range p.Slots {
			if !avail[a][s] || !avail[b][s] {
				continue
			}
			v := fmt.Sprintf("x_%d_%d", e, s)
			vars = append(vars, v)
			obj = append(obj, fmt.Sprintf("%d %s", r.Weight, v))
			pair[e] = append(pair[e], v)
			personSlot[[2]int{a, s}] = append(personSlot[[2]int{a, s}], v)
			personSlot[[2]int{b, s}] = append(personSlot[[2]int{b, s}], v)
			person[a] = append(person[a], v)
			person[b] = append(person[b], v)
			if needsTable {
				table[s] = append(table[s], v)
			}
		}
	}
	fmt.Fprintln(bw, "Maximize")
	writeSum(bw, " obj: ", obj)
	fmt.Fprintln(bw, "Subject To")
	for e := range p.Requests {
		if len(pair[e]) > 1 {
			writeSum(bw, fmt.Sprintf(" pair_%d: ", e), pair[e], "<= 1")
		}
	}
	for i := range p.Participants {
		for s := range p.Slots {
			if vs := personSlot[[2]int{i, s}]; len(vs) > 1 {
				writeSum(bw, fmt.Sprintf(" once_%d_%d: ", i, s), vs, "<= 1")
			}
		}
		if m := p.Participants[i].MaxMeetings; m > 0 && len(person[i]) > m {
			writeSum(bw, fmt.Sprintf(" max_%d: ", i), person[i], fmt.Sprintf("<= %d", m))
		}
	}
	for s := range p.Slots {
		if len(table[s]) > p.Tables {
			writeSum(bw, fmt.Sprintf(" tables_%d: ", s), table[s], fmt.Sprintf("<= %d", p.Tables))
		}
	}
	for i, f := range p.Fixed {
		a, b := index[f.A], index[f.B]
		fmt.Fprintf(bw, " fixed_%d: x_%d_%d = 1\n", i, reqOf[[2]int{min(a, b), max(a, b)}], f.Slot)
	}
	fmt.Fprintln(bw, "Binary")
	for _, v := range vars {
		fmt.Fprintln(bw, " "+v)
	}
	fmt.Fprintln(bw, "End")
	return bw.Flush()
}

// writeSum writes one line "prefix t1 + t2 + … suffix", wrapping long sums.
func writeSum(w io.Writer, prefix string, terms []string, suffix ...string) {
	fmt.Fprint(w, prefix)
	if len(terms) == 0 {
		fmt.Fprint(w, "0 x_none")
	}
	for i, t := range terms {
		if i > 0 {
			fmt.Fprint(w, " + ")
			if i%8 == 0 {
				fmt.Fprint(w, "\n   ")
			}
		}
		fmt.Fprint(w, t)
	}
	for _, s := range suffix {
		fmt.Fprint(w, " "+s)
	}
	fmt.Fprintln(w)
}

// glpkResult is what glpsol found.
type glpkResult struct {
	objective float64
	status    string // e.g. "INTEGER OPTIMAL", "OPTIMAL"
	elapsed   time.Duration
}

var (
	objectiveLine = regexp.MustCompile(`(?m)^Objective:\s+\S+\s*=\s*(\S+)`)
	statusLine    = regexp.MustCompile(`(?m)^Status:\s+(.+?)\s*$`)
)

// runGLPK solves p with glpsol (the LP relaxation only when relax is set)
// and returns the objective.
func runGLPK(glpsol string, p meetings.Problem, relax bool, limit time.Duration) (glpkResult, error) {
	dir, err := os.MkdirTemp("", "meetings-glpk-")
	if err != nil {
		return glpkResult{}, err
	}
	defer os.RemoveAll(dir)
	model, report := filepath.Join(dir, "model.lp"), filepath.Join(dir, "report.txt")
	f, err := os.Create(model)
	if err != nil {
		return glpkResult{}, err
	}
	if err := writeLP(f, p); err != nil {
		f.Close()
		return glpkResult{}, err
	}
	if err := f.Close(); err != nil {
		return glpkResult{}, err
	}
	args := []string{"--lp", model, "-o", report, "--tmlim", strconv.Itoa(int(limit.Seconds()))}
	if relax {
		args = append(args, "--nomip")
	}
	start := time.Now()
	out, err := exec.Command(glpsol, args...).CombinedOutput()
	elapsed := time.Since(start)
	if err != nil {
		return glpkResult{}, fmt.Errorf("glpsol: %w\n%s", err, out)
	}
	b, err := os.ReadFile(report)
	if err != nil {
		return glpkResult{}, err
	}
	m := objectiveLine.FindSubmatch(b)
	st := statusLine.FindSubmatch(b)
	if m == nil || st == nil {
		return glpkResult{}, fmt.Errorf("glpsol: no objective in its report:\n%s", b)
	}
	obj, err := strconv.ParseFloat(string(m[1]), 64)
	if err != nil {
		return glpkResult{}, fmt.Errorf("glpsol: objective %q: %w", m[1], err)
	}
	return glpkResult{objective: obj, status: strings.TrimSpace(string(st[1])), elapsed: elapsed}, nil
}
