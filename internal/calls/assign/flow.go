package assign

// The solver is a min-cost flow, and its optimality argument is the classic
// one for successive shortest paths:
//
// Network: source → application i (capacity Need, cost 0); application i →
// expert j for every allowed pair, neither forbidden nor fixed (capacity 1,
// cost −score); expert j → sink through unit arcs whose k-th unit costs the
// marginal square (L+1)² − L² = 2L+1, L being the expert's total load before
// that unit (Load and fixed assignments count from the start). A flow is an
// assignment; its cost is Σ_j total_j² − Σ_j base_j² (a constant) minus the
// total score, and the sink arcs are convex, so a cheaper unit is always used
// first and one arc per expert whose cost grows with its flow is equivalent
// to the parallel unit arcs.
//
// Costs are pairs (balance, −score) compared lexicographically rather than
// one number with the balance scaled above any score: a totally ordered group
// is all Dijkstra and potentials need, and nothing can overflow. To keep
// costs non-negative, −score becomes Smax − score: every unit of flow crosses
// exactly one application → expert arc, so this adds Smax × flow, the same
// for every flow of a given value.
//
// Successive shortest paths keep the flow of each value at minimum cost
// (no negative cycle in the residual network, witnessed by potentials under
// which every residual arc has a non-negative reduced cost), and stop when no
// augmenting path remains, that is at a maximum flow. The result is
// therefore a maximum flow (1) of minimum cost, i.e. minimum Σ total² (2) and
// then maximum score (3).
//
// Speed: each phase runs one Dijkstra on reduced costs (stopped at the sink;
// nodes not settled get the sink's distance, which keeps reduced costs
// non-negative), then augments as many paths as a depth-first search finds
// among zero-reduced-cost arcs (primal–dual). Each such path is a shortest
// path, and its reversed arcs get reduced cost 0, so the invariant holds
// after every unit. An expert's sink arc costs 2 more after each unit, so a
// phase gives each expert at most one unit: about (places ÷ experts) phases
// plus a few, instead of one Dijkstra per place. A phase always augments:
// until its first success the search only marks nodes that cannot reach the
// sink, and Dijkstra's path to the sink is made of zero-reduced-cost arcs.

import "slices"

// cost is a lexicographic cost: balance first, then the score shortfall.
type cost struct {
	bal, fit int64
}

func (a cost) add(b cost) cost  { return cost{a.bal + b.bal, a.fit + b.fit} }
func (a cost) sub(b cost) cost  { return cost{a.bal - b.bal, a.fit - b.fit} }
func (a cost) less(b cost) bool { return a.bal < b.bal || a.bal == b.bal && a.fit < b.fit }
func (a cost) isZero() bool     { return a.bal == 0 && a.fit == 0 }
func (a cost) neg() cost        { return cost{-a.bal, -a.fit} }
func marginal(load int) cost    { return cost{int64(2*load + 1), 0} }
func pairCost(fit int64) cost   { return cost{0, fit} }

var infinite = cost{1 << 62, 0}

// arc is an application → expert arc; used means the expert is assigned.
type arc struct {
	app, exp int32
	fit      int64 // Smax − score
	used     bool
	pos      int32 // index in the expert's used list while used
}

// network is the residual network. Nodes are the applications 0..nA−1, the
// experts nA..nA+nE−1 and the sink nA+nE; the source is implicit, at
// distance and potential 0.
type network struct {
	nA, nE   int
	arcs     []arc
	appStart []int32   // arcs of application i: appStart[i]..appStart[i+1]
	expUsed  [][]int32 // per expert, the used arcs ending there
	need     []int
	filled   []int
	load     []int // total load per expert
	room     []int // new assignments an expert can still take
	pot      []cost

	// per-phase scratch
	dist    []cost
	done    []bool
	heap    []entry
	visited []bool
	path    []int32 // arcs of the augmenting path; ^k for a backward arc
}

func newNetwork(in *instance) *network {
	nA, nE := len(in.apps), len(in.experts)
	n := &network{
		nA: nA, nE: nE,
		appStart: make([]int32, nA+1),
		expUsed:  make([][]int32, nE),
		need:     make([]int, nA),
		filled:   make([]int, nA),
		load:     slices.Clone(in.base),
		room:     slices.Clone(in.room),
		pot:      make([]cost, nA+nE+1),
		dist:     make([]cost, nA+nE+1),
		done:     make([]bool, nA+nE+1),
		visited:  make([]bool, nA+nE+1),
	}
	scores := make([]int, 0, nA*nE)
	smax := 0
	for i, a := range in.apps {
		n.need[i] = a.Need
		n.appStart[i] = int32(len(n.arcs))
		if a.Need == 0 {
			continue
		}
		for j := range nE {
			if in.state[i*nE+j] != allowed {
				continue
			}
			s := in.score(i, j)
			smax = max(smax, s)
			scores = append(scores, s)
			n.arcs = append(n.arcs, arc{app: int32(i), exp: int32(j)})
		}
	}
	n.appStart[nA] = int32(len(n.arcs))
	for k := range n.arcs {
		n.arcs[k].fit = int64(smax - scores[k])
	}
	return n
}

func (n *network) sink() int { return n.nA + n.nE }

// run augments phase by phase until no augmenting path remains.
func (n *network) run() {
	for n.shortestPaths() {
		n.augmentPhase()
	}
}

type entry struct {
	d    cost
	node int32
}

func (e entry) before(f entry) bool {
	return e.d.less(f.d) || e.d == f.d && e.node < f.node
}

func (n *network) push(e entry) {
	h := append(n.heap, e)
	for c := len(h) - 1; c > 0; {
		p := (c - 1) / 2
		if !h[c].before(h[p]) {
			break
		}
		h[c], h[p] = h[p], h[c]
		c = p
	}
	n.heap = h
}

func (n *network) pop() entry {
	h := n.heap
	top := h[0]
	last := len(h) - 1
	h[0] = h[last]
	h = h[:last]
	for p := 0; ; {
		c := 2*p + 1
		if c >= len(h) {
			break
		}
		if c+1 < len(h) && h[c+1].before(h[c]) {
			c++
		}
		if !h[c].before(h[p]) {
			break
		}
		h[c], h[p] = h[p], h[c]
		p = c
	}
	n.heap = h
	return top
}

func (n *network) relax(v int, d cost) {
	if d.less(n.dist[v]) {
		n.dist[v] = d
		n.push(entry{d, int32(v)})
	}
}

// shortestPaths runs Dijkstra on reduced costs from the source, stopping at
// the sink, and updates the potentials. It reports whether the sink is
// reachable.
func (n *network) shortestPaths() bool {
	t := n.sink()
	for v := range n.dist {
		n.dist[v], n.done[v] = infinite, false
	}
	n.heap = n.heap[:0]
	for i := range n.nA {
		if n.filled[i] < n.need[i] {
			n.relax(i, n.pot[i].neg()) // source → i costs 0
		}
	}
	reached := false
	for len(n.heap) > 0 {
		e := n.pop()
		v := int(e.node)
		if n.done[v] || e.d != n.dist[v] {
			continue
		}
		n.done[v] = true
		if v == t {
			reached = true
			break
		}
		pv := n.pot[v]
		if v < n.nA {
			for k := n.appStart[v]; k < n.appStart[v+1]; k++ {
				a := &n.arcs[k]
				if a.used {
					continue
				}
				w := n.nA + int(a.exp)
				n.relax(w, e.d.add(pairCost(a.fit)).add(pv).sub(n.pot[w]))
			}
			continue
		}
		j := v - n.nA
		if n.room[j] > 0 {
			n.relax(t, e.d.add(marginal(n.load[j])).add(pv).sub(n.pot[t]))
		}
		for _, k := range n.expUsed[j] {
			a := &n.arcs[k]
			w := int(a.app)
			n.relax(w, e.d.sub(pairCost(a.fit)).add(pv).sub(n.pot[w]))
		}
	}
	if !reached {
		return false
	}
	dt := n.dist[t]
	for v := range n.pot {
		if n.done[v] {
			n.pot[v] = n.pot[v].add(n.dist[v])
		} else {
			n.pot[v] = n.pot[v].add(dt)
		}
	}
	return true
}

// augmentPhase augments along zero-reduced-cost paths until the depth-first
// search finds none. A node a search leaves empty-handed stays marked for the
// phase: it may hide a path only through arcs created since, which the next
// phase's Dijkstra sees.
func (n *network) augmentPhase() {
	clear(n.visited)
	for i := range n.nA {
		for n.filled[i] < n.need[i] && !n.visited[i] && n.pot[i].isZero() {
			n.path = n.path[:0]
			if !n.searchApp(i) {
				break
			}
			n.augment(i)
		}
	}
}

func (n *network) searchApp(i int) bool {
	n.visited[i] = true
	pi := n.pot[i]
	for k := n.appStart[i]; k < n.appStart[i+1]; k++ {
		a := &n.arcs[k]
		w := n.nA + int(a.exp)
		if a.used || n.visited[w] || !pairCost(a.fit).add(pi).sub(n.pot[w]).isZero() {
			continue
		}
		n.path = append(n.path, k)
		if n.searchExpert(int(a.exp)) {
			return true
		}
		n.path = n.path[:len(n.path)-1]
	}
	return false
}

func (n *network) searchExpert(j int) bool {
	v := n.nA + j
	n.visited[v] = true
	pv := n.pot[v]
	if n.room[j] > 0 && marginal(n.load[j]).add(pv).sub(n.pot[n.sink()]).isZero() {
		return true
	}
	for _, k := range n.expUsed[j] {
		a := &n.arcs[k]
		w := int(a.app)
		if n.visited[w] || !pairCost(a.fit).neg().add(pv).sub(n.pot[w]).isZero() {
			continue
		}
		n.path = append(n.path, ^k)
		if n.searchApp(w) {
			return true
		}
		n.path = n.path[:len(n.path)-1]
	}
	return false
}

// augment pushes one unit from the source through application i along
// n.path to the sink, and frees the path's nodes for the next search.
func (n *network) augment(i int) {
	n.filled[i]++
	n.visited[i] = false
	var last int32
	for _, k := range n.path {
		if k >= 0 {
			a := &n.arcs[k]
			a.used = true
			a.pos = int32(len(n.expUsed[a.exp]))
			n.expUsed[a.exp] = append(n.expUsed[a.exp], k)
			last = a.exp
			n.visited[n.nA+int(a.exp)] = false
			continue
		}
		a := &n.arcs[^k]
		a.used = false
		list := n.expUsed[a.exp]
		moved := list[len(list)-1]
		list[a.pos] = moved
		n.arcs[moved].pos = a.pos
		n.expUsed[a.exp] = list[:len(list)-1]
		n.visited[a.app] = false
	}
	n.load[last]++
	n.room[last]--
}
