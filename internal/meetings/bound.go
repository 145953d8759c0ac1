package meetings

import (
	"math"
	"slices"
)

// The upper bound comes from the linear relaxation of the time-indexed
// model, after taking the fixed meetings out (their slots, tables and share
// of each maximum are used up; their weight is added back): x[e][s] ∈ [0, 1]
// for request e and common free slot s, maximising Σ w[e]·x[e][s] with
//
//	Σ_s x[e][s] ≤ 1               each pair meets at most once
//	Σ_{e ∋ p} x[e][s] ≤ 1         each person once per slot      (dual u[p][s])
//	Σ_{e ∋ p, s} x[e][s] ≤ m[p]   each person's maximum          (dual y[p])
//	Σ_{table e} x[e][s] ≤ T[s]    each slot's tables             (dual μ[s])
//
// By weak duality, for any u, y, μ ≥ 0 the value
//
//	D = Σ u + Σ m·y + Σ T·μ + Σ_e max(0, w[e] − y[a] − y[b] − min_s (u[a][s] + u[b][s] + μ[s]·table(e)))
//
// is at least the relaxation's optimum, hence at least the weight of any
// schedule: the bound is the smallest D seen, rounded down. The duals come
// from a primal-dual hybrid gradient method (Chambolle and Pock, with
// diagonal preconditioning), whose primal iterate also guides the greedy
// construction. The bound is valid whatever the duals; the method only
// makes it tight. At u = y = μ = 0, D is the total weight of the requests
// that have a common slot.

// dualWeight scales the dual steps up and the primal ones down (PDLP's
// "primal weight", inverted). Measured on the generated congresses, 4
// proves the bound in a quarter of the iterations 1 needs, with the same
// schedules; higher values gain little more.
const dualWeight = 4

// relaxation is the linear relaxation and its primal-dual iterate.
type relaxation struct {
	slots, people int
	free          []bool    // person*slots + slot: available and not taken by a fixed meeting
	room          []float64 // person → meetings left under their maximum, when it binds
	capped        []bool    // person → their maximum is below their free slots
	tables        []float64 // slot → tables left
	fixed         int       // weight of the fixed meetings

	reqs []relaxedRequest
	// Columns: request i owns x[off[i]:off[i+1]], one per slot of cols.
	off  []int
	cols []int16
	x    []float64

	u, y, mu []float64
	// Preconditioned steps: a column's is 1/(rows it touches), a row's
	// 1/(columns it holds), the dual ones weighted by dualWeight.
	tau         []float64 // per request (all its columns touch as many rows)
	su, sy, smu []float64
	au, ay, amu []float64 // A·(2x' − x), the extrapolated row activities
	best        float64
	iterations  int
	old         []float64
}

type relaxedRequest struct {
	req    int // index in instance.reqs
	a, b   int
	w      float64
	table  bool
	common []int16 // common free slots (with a table left, for a table meeting)
}

func newRelaxation(in *instance) *relaxation {
	S := in.slots
	n := len(in.ids)
	rx := &relaxation{slots: S, people: n, free: slices.Clone(in.avail),
		room: make([]float64, n), capped: make([]bool, n), tables: make([]float64, S)}
	isFixed := make([]bool, len(in.reqs))
	count := make([]int, n)
	for s := range S {
		rx.tables[s] = float64(in.tables)
	}
	for _, f := range in.fixed {
		r := in.reqs[f.req]
		isFixed[f.req] = true
		rx.fixed += r.weight
		rx.free[r.a*S+f.slot], rx.free[r.b*S+f.slot] = false, false
		count[r.a]++
		count[r.b]++
		if r.table {
			rx.tables[f.slot]--
		}
	}
	for p := range n {
		freeSlots := 0
		for s := range S {
			if rx.free[p*S+s] {
				freeSlots++
			}
		}
		if left := in.limit[p] - count[p]; left < freeSlots {
			rx.room[p], rx.capped[p] = float64(left), true
		}
	}
	rx.off = []int{0}
	for e, r := range in.reqs {
		if isFixed[e] || (rx.capped[r.a] && rx.room[r.a] == 0) || (rx.capped[r.b] && rx.room[r.b] == 0) {
			continue
		}
		start := len(rx.cols)
		for _, s := range r.common {
			if rx.free[r.a*S+int(s)] && rx.free[r.b*S+int(s)] && (!r.table || rx.tables[s] > 0) {
				rx.cols = append(rx.cols, s)
			}
		}
		if len(rx.cols) == start {
			continue
		}
		rx.reqs = append(rx.reqs, relaxedRequest{req: e, a: r.a, b: r.b, w: float64(r.weight), table: r.table, common: rx.cols[start:]})
		rx.off = append(rx.off, len(rx.cols))
	}
	rx.x = make([]float64, len(rx.cols))
	rx.u, rx.au, rx.su = make([]float64, n*S), make([]float64, n*S), make([]float64, n*S)
	rx.y, rx.ay, rx.sy = make([]float64, n), make([]float64, n), make([]float64, n)
	rx.mu, rx.amu, rx.smu = make([]float64, S), make([]float64, S), make([]float64, S)
	rx.tau = make([]float64, len(rx.reqs))
	for i, r := range rx.reqs {
		rows := 2.0
		for _, p := range []int{r.a, r.b} {
			if rx.capped[p] {
				rows++
				rx.sy[p] += float64(len(r.common))
			}
		}
		if r.table {
			rows++
		}
		rx.tau[i] = 1 / (rows * dualWeight)
		for _, s := range r.common {
			rx.su[r.a*S+int(s)]++
			rx.su[r.b*S+int(s)]++
			if r.table {
				rx.smu[s]++
			}
		}
	}
	for _, steps := range [][]float64{rx.su, rx.sy, rx.smu} {
		for i, c := range steps {
			if c > 0 {
				steps[i] = dualWeight / c
			}
		}
	}
	rx.best = math.Inf(1)
	rx.eval()
	return rx
}

// eval returns the dual value D at the current duals, and keeps the
// smallest seen in best.
func (rx *relaxation) eval() float64 {
	S := rx.slots
	f := 0.0
	for i, ok := range rx.free {
		if ok {
			f += rx.u[i]
		}
	}
	for p, c := range rx.capped {
		if c {
			f += rx.room[p] * rx.y[p]
		}
	}
	for s := range S {
		f += rx.tables[s] * rx.mu[s]
	}
	for i := range rx.reqs {
		r := &rx.reqs[i]
		cost := rx.y[r.a] + rx.y[r.b]
		if cost >= r.w {
			continue
		}
		best := math.Inf(1)
		ua, ub := rx.u[r.a*S:r.a*S+S], rx.u[r.b*S:r.b*S+S]
		for _, s := range r.common {
			c := ua[s] + ub[s]
			if r.table {
				c += rx.mu[s]
			}
			best = min(best, c)
		}
		f += max(0, r.w-cost-best)
	}
	rx.best = min(rx.best, f)
	return f
}

// solve runs at most iters primal-dual steps, stopping as soon as the bound
// is at most goal (a known schedule's weight, fixed meetings included):
// that schedule is then proven optimal.
func (rx *relaxation) solve(iters, goal int) {
	for range iters {
		if rx.bound() <= goal {
			return
		}
		rx.step()
		if rx.iterations%4 == 0 {
			rx.eval()
		}
	}
	rx.eval()
}

// step is one iteration: a projected ascent step on x along w − Aᵀ(u, y, μ),
// then a projected descent step on the duals along A(2x' − x) − b.
func (rx *relaxation) step() {
	S := rx.slots
	clear(rx.au)
	clear(rx.ay)
	clear(rx.amu)
	for i := range rx.reqs {
		r := &rx.reqs[i]
		x := rx.x[rx.off[i]:rx.off[i+1]]
		rx.old = append(rx.old[:0], x...)
		base := r.w
		if rx.capped[r.a] {
			base -= rx.y[r.a]
		}
		if rx.capped[r.b] {
			base -= rx.y[r.b]
		}
		ua, ub := rx.u[r.a*S:r.a*S+S], rx.u[r.b*S:r.b*S+S]
		tau := rx.tau[i]
		for k, s := range r.common {
			g := base - ua[s] - ub[s]
			if r.table {
				g -= rx.mu[s]
			}
			x[k] += tau * g
		}
		rx.project(x)
		sum := 0.0
		aa, ab := rx.au[r.a*S:r.a*S+S], rx.au[r.b*S:r.b*S+S]
		for k, s := range r.common {
			v := 2*x[k] - rx.old[k]
			sum += v
			aa[s] += v
			ab[s] += v
			if r.table {
				rx.amu[s] += v
			}
		}
		rx.ay[r.a] += sum
		rx.ay[r.b] += sum
	}
	for i, ok := range rx.free {
		if ok {
			rx.u[i] = max(0, rx.u[i]+rx.su[i]*(rx.au[i]-1))
		}
	}
	for p, c := range rx.capped {
		if c {
			rx.y[p] = max(0, rx.y[p]+rx.sy[p]*(rx.ay[p]-rx.room[p]))
		}
	}
	for s := range S {
		rx.mu[s] = max(0, rx.mu[s]+rx.smu[s]*(rx.amu[s]-rx.tables[s]))
	}
	rx.iterations++
}

// project replaces x by its Euclidean projection on {x ∈ [0, 1]ᵏ : Σ x ≤ 1}.
func (rx *relaxation) project(x []float64) {
	sum := 0.0
	for _, v := range x {
		sum += min(1, max(0, v))
	}
	if sum <= 1 {
		for k, v := range x {
			x[k] = min(1, max(0, v))
		}
		return
	}
	// On the simplex Σ x = 1: x = max(0, v − θ). Michelot's method: θ
	// from the values above the previous θ, until none drops out.
	theta := math.Inf(-1)
	for {
		cum, n := 0.0, 0
		for _, v := range x {
			if v > theta {
				cum += v
				n++
			}
		}
		next := (cum - 1) / float64(n)
		if next <= theta {
			break
		}
		theta = next
	}
	for k := range x {
		x[k] = max(0, x[k]-theta)
	}
}

// hint returns, per request, how much of it the relaxation's current primal
// iterate schedules (0 to 1) and, per request and slot, its share there.
func (rx *relaxation) hint(nreqs int) (total []float64, at func(e, s int) float64) {
	total = make([]float64, nreqs)
	where := make([]int, nreqs)
	for e := range where {
		where[e] = -1
	}
	for i, r := range rx.reqs {
		where[r.req] = i
		for _, v := range rx.x[rx.off[i]:rx.off[i+1]] {
			total[r.req] += v
		}
	}
	return total, func(e, s int) float64 {
		i := where[e]
		if i < 0 {
			return 0
		}
		for k, c := range rx.reqs[i].common {
			if int(c) == s {
				return rx.x[rx.off[i]+k]
			}
		}
		return 0
	}
}

// bound returns the best upper bound found, fixed meetings included, rounded
// down. D is a sum of non-negative terms, each computed from operands of at
// most a few times D, so its rounding error stays below n·ε·D for a few
// times n = the number of terms: the slack covers it, and the bound stays
// valid however large the weights.
func (rx *relaxation) bound() int {
	terms := len(rx.free) + rx.people + rx.slots + 20*len(rx.reqs)
	slack := 1e-6 + 4e-15*float64(terms)*math.Abs(rx.best)
	return rx.fixed + int(math.Floor(rx.best+slack))
}
