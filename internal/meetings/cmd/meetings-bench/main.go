// Command meetings-bench measures the meeting scheduler of package meetings
// (docs/benchmarks.md): its time and the share of the upper bound it places
// on the generated congress, and, with GLPK's glpsol, its distance to the
// true optimum on small instances. glpsol is a benchmark tool only.
//
//	go run ./internal/meetings/cmd/meetings-bench congress [-seeds 5] [-lp]
//	go run ./internal/meetings/cmd/meetings-bench exact [-n 20]
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"time"

	"filiere/internal/meetings"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "meetings-bench:", err)
		os.Exit(1)
	}
}

func run(args []string, w io.Writer) error {
	if len(args) == 0 {
		return errors.New("usage: meetings-bench congress|exact [flags]")
	}
	switch args[0] {
	case "congress":
		return runCongress(args[1:], w)
	case "exact":
		return runExact(args[1:], w)
	}
	return fmt.Errorf("unknown benchmark %q (congress, exact)", args[0])
}

// runCongress schedules the congress of each seed and prints the median
// time of -runs runs, the placements and the bound; with -lp it also asks
// glpsol for the optimum of the linear relaxation the bound comes from.
func runCongress(args []string, w io.Writer) error {
	fs := flag.NewFlagSet("congress", flag.ContinueOnError)
	seeds := fs.Int("seeds", 5, "congresses to generate (seeds 1..N)")
	runs := fs.Int("runs", 3, "runs per congress; the median time is shown")
	sc := meetings.Congress
	fs.IntVar(&sc.Tables, "tables", sc.Tables, "tables per slot")
	unweighted := fs.Bool("unweighted", false, "every request weighs 1")
	lp := fs.Bool("lp", false, "also solve the linear relaxation with glpsol (about a minute per congress)")
	glpsol := fs.String("glpsol", "glpsol", "glpsol binary")
	if err := fs.Parse(args); err != nil {
		return err
	}
	sc.Weighted = !*unweighted
	fmt.Fprintf(w, "congress: %d participants, %d slots, %d tables, %d requests, weighted %v; GOMAXPROCS %d\n\n",
		sc.Participants, sc.Slots, sc.Tables, sc.Requests, sc.Weighted, runtime.GOMAXPROCS(0))
	fmt.Fprintln(w, "| seed | time (median) | scheduled | at a stand | tables used | weight | upper bound | weight / bound | LP optimum |")
	fmt.Fprintln(w, "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
	for seed := 1; seed <= *seeds; seed++ {
		p := sc.Generate(uint64(seed))
		var s meetings.Schedule
		var times []time.Duration
		for range max(1, *runs) {
			start := time.Now()
			var err error
			if s, err = meetings.Solve(p, meetings.Options{Seed: uint64(seed)}); err != nil {
				return err
			}
			times = append(times, time.Since(start))
		}
		slices.Sort(times)
		atStand := 0
		for _, m := range s.Meetings {
			if m.Table == 0 {
				atStand++
			}
		}
		lpOpt := "–"
		if *lp {
			r, err := runGLPK(*glpsol, p, true, time.Hour)
			if err != nil {
				return err
			}
			lpOpt = fmt.Sprintf("%.2f", r.objective)
		}
		fmt.Fprintf(w, "| %d | %.3f s | %d of %d | %d | %d of %d | %d | %d | %.2f%% | %s |\n", seed, times[len(times)/2].Seconds(),
			s.Scheduled, len(p.Requests), atStand, s.Scheduled-atStand, sc.Slots*sc.Tables, s.Weight, s.UpperBound,
			100*float64(s.Weight)/float64(s.UpperBound), lpOpt)
	}
	return nil
}

// runExact compares the scheduler with glpsol's optimum on small instances.
func runExact(args []string, w io.Writer) error {
	fs := flag.NewFlagSet("exact", flag.ContinueOnError)
	n := fs.Int("n", 20, "instances (seeds 1..N)")
	glpsol := fs.String("glpsol", "glpsol", "glpsol binary")
	limit := fs.Duration("limit", 10*time.Minute, "glpsol time limit per instance")
	sc := meetings.Small
	fs.IntVar(&sc.Participants, "participants", sc.Participants, "participants per instance")
	fs.IntVar(&sc.Slots, "slots", sc.Slots, "slots")
	fs.IntVar(&sc.Tables, "tables", sc.Tables, "tables per slot")
	fs.IntVar(&sc.Requests, "requests", sc.Requests, "requests")
	unweighted := fs.Bool("unweighted", false, "every request weighs 1")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if _, err := exec.LookPath(*glpsol); err != nil {
		return fmt.Errorf("%w (apt-get install glpk-utils)", err)
	}
	sc.Weighted = !*unweighted
	fmt.Fprintf(w, "small: %d participants, %d slots, %d tables, %d requests, %d fixed\n\n",
		sc.Participants, sc.Slots, sc.Tables, sc.Requests, sc.Fixed)
	fmt.Fprintln(w, "| seed | scheduler | time | optimum (glpsol) | glpsol time | upper bound | scheduler / optimum |")
	fmt.Fprintln(w, "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
	sum, worst := 0.0, 1.0
	for seed := 1; seed <= *n; seed++ {
		p := sc.Generate(uint64(seed))
		start := time.Now()
		s, err := meetings.Solve(p, meetings.Options{Seed: uint64(seed)})
		if err != nil {
			return err
		}
		elapsed := time.Since(start)
		r, err := runGLPK(*glpsol, p, false, *limit)
		if err != nil {
			return err
		}
		opt := r.objective
		if r.status != "INTEGER OPTIMAL" {
			fmt.Fprintf(w, "seed %d: glpsol stopped with status %s\n", seed, r.status)
		}
		if float64(s.UpperBound) < opt-1e-6 || float64(s.Weight) > opt+1e-6 {
			return fmt.Errorf("seed %d: scheduler %d, bound %d, optimum %.0f: inconsistent", seed, s.Weight, s.UpperBound, opt)
		}
		ratio := float64(s.Weight) / opt
		sum += ratio
		worst = min(worst, ratio)
		fmt.Fprintf(w, "| %d | %d | %.1f ms | %.0f | %.1f s | %d | %.2f%% |\n", seed, s.Weight, elapsed.Seconds()*1000,
			opt, r.elapsed.Seconds(), s.UpperBound, 100*ratio)
	}
	fmt.Fprintf(w, "\nmean %.2f%%, worst %.2f%% of the optimum\n", 100*sum/float64(*n), 100*worst)
	return nil
}
