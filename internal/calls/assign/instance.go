package assign

import (
	"fmt"
	"math/rand/v2"
)

// Instance generates a call for benchmarks and the bench command
// (cmd/filiere-bench): apps applications each needing perApp experts among
// experts experts; the same seed gives the same problem.
//
// The call looks like a real one: each application has a sector (weight 3),
// one or two technology bricks (2) and a few keywords (1), with popular
// sectors; experts cover one or two sectors and a few bricks and keywords.
// One application in twenty already has one fixed expert; one expert in five
// carries a load of 1 or 2 from elsewhere and one in ten a cap, loose enough
// to keep a balanced assignment possible. About 5% of the pairs are
// forbidden at random, and one expert in eight is forbidden on a whole
// cluster of applications (a consortium, a competitor's projects).
func Instance(apps, experts, perApp int, seed uint64) Problem {
	rng := rand.New(rand.NewPCG(seed, 0x6578706572747321)) // "experts!"
	const sectors, bricks, keywords = 8, 12, 60
	sector := func() string {
		// Skewed: low-numbered sectors are the popular ones.
		return fmt.Sprintf("sector:s%d", min(rng.IntN(sectors), rng.IntN(sectors)))
	}
	brick := func() string { return fmt.Sprintf("brick:b%d", rng.IntN(bricks)) }
	keyword := func() string { return fmt.Sprintf("kw:k%d", rng.IntN(keywords)) }

	p := Problem{Forbidden: map[[2]int64]bool{}}
	load := 0
	for j := range experts {
		e := Expert{ID: int64(1 + j)}
		for range 1 + rng.IntN(2) {
			e.Features = append(e.Features, sector())
		}
		for range 2 + rng.IntN(3) {
			e.Features = append(e.Features, brick())
		}
		for range 4 + rng.IntN(5) {
			e.Features = append(e.Features, keyword())
		}
		if rng.IntN(5) == 0 {
			e.Load = 1 + rng.IntN(2)
		}
		load += e.Load
		p.Experts = append(p.Experts, e)
	}

	const clusterSize = 10
	clusters := max(1, (apps+clusterSize-1)/clusterSize)
	banned := make([]int, experts) // cluster an expert is banned from, or −1
	for j := range banned {
		banned[j] = -1
		if rng.IntN(8) == 0 {
			banned[j] = rng.IntN(clusters)
		}
	}
	for i := range apps {
		a := Application{ID: int64(1000 + i), Need: perApp}
		a.Features = append(a.Features, Feature{sector(), 3})
		for range 1 + rng.IntN(2) {
			a.Features = append(a.Features, Feature{brick(), 2})
		}
		for range 2 + rng.IntN(3) {
			a.Features = append(a.Features, Feature{keyword(), 1})
		}
		for j := range experts {
			if banned[j] == i/clusterSize || rng.IntN(20) == 0 {
				p.Forbidden[[2]int64{a.ID, int64(1 + j)}] = true
			}
		}
		if perApp > 0 && experts > 0 && rng.IntN(20) == 0 {
			j := rng.IntN(experts)
			if !p.Forbidden[[2]int64{a.ID, int64(1 + j)}] {
				a.Fixed = []int64{int64(1 + j)}
				a.Need--
				load++
			}
		}
		load += a.Need
		p.Applications = append(p.Applications, a)
	}
	if experts > 0 {
		loose := (load+experts-1)/experts + 3
		for j := range p.Experts {
			if rng.IntN(10) == 0 {
				p.Experts[j].Max = loose
			}
		}
	}
	return p
}
