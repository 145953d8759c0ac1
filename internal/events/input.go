package events

import (
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"filiere/internal/directory"
	"filiere/internal/validate"
)

// Input is what staff fill in for an event.
type Input struct {
	Type, Audience                        string
	TitleFR, TitleEN                      string
	DescriptionFR, DescriptionEN          string
	Sectors                               []string
	Start, End                            time.Time
	Venue, Address, City                  string
	OnlineURL                             string
	Capacity                              int       // 0 for unlimited
	PriceMember, PriceNonMember           int64     // cents, 0 for free
	RegistrationOpens, RegistrationCloses time.Time // zero: from publication, until the start
}

// Limits of an event's fields.
const (
	maxTitle       = 200
	maxDescription = 10000
	maxPlace       = 300
	maxURL         = 500
	maxCapacity    = 100000
	maxPrice       = 100000000 // cents: one million euros
	maxDays        = 31
	maxReason      = 1000
)

func normaliseInput(in Input) Input {
	for _, f := range []*string{&in.Type, &in.Audience, &in.TitleFR, &in.TitleEN, &in.DescriptionFR, &in.DescriptionEN,
		&in.Venue, &in.Address, &in.City, &in.OnlineURL} {
		*f = strings.TrimSpace(*f)
	}
	tax := directory.LoadTaxonomy()
	var sectors []string
	for _, c := range in.Sectors {
		if c = strings.TrimSpace(c); c != "" && !slices.Contains(sectors, c) {
			sectors = append(sectors, c)
		}
	}
	rank := func(code string) int {
		for i, t := range tax.Sectors {
			if t.Code == code {
				return i
			}
		}
		return len(tax.Sectors)
	}
	slices.SortStableFunc(sectors, func(a, b string) int { return rank(a) - rank(b) })
	in.Sectors = sectors
	for _, t := range []*time.Time{&in.Start, &in.End, &in.RegistrationOpens, &in.RegistrationCloses} {
		if !t.IsZero() {
			*t = t.UTC().Truncate(time.Microsecond)
		}
	}
	return in
}

// webURL reports whether s is an http or https address with a host.
func webURL(s string) bool {
	if strings.ContainsAny(s, " \t\r\n") {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && u.User == nil
}

func checkText(errs *validate.Errors, field, v string, required bool, limit int) {
	switch {
	case v == "" && required:
		errs.Add(field, "validate.required")
	case utf8.RuneCountInString(v) > limit:
		errs.Add(field, "validate.too_long", limit)
	}
}

// validateInput checks an event's fields.
func validateInput(in Input) validate.Errors {
	var errs validate.Errors
	if !slices.Contains(Types, in.Type) {
		errs.Add("type", "validate.choice")
	}
	if !slices.Contains(Audiences, in.Audience) {
		errs.Add("audience", "validate.choice")
	}
	checkText(&errs, "title_fr", in.TitleFR, true, maxTitle)
	checkText(&errs, "title_en", in.TitleEN, false, maxTitle)
	checkText(&errs, "description_fr", in.DescriptionFR, false, maxDescription)
	checkText(&errs, "description_en", in.DescriptionEN, false, maxDescription)
	checkText(&errs, "venue", in.Venue, false, maxPlace)
	checkText(&errs, "address", in.Address, false, maxPlace)
	checkText(&errs, "city", in.City, false, maxPlace)
	tax := directory.LoadTaxonomy()
	for _, c := range in.Sectors {
		if _, ok := tax.Sector(c); !ok {
			errs.Add("sectors", "validate.choice")
			break
		}
	}
	switch {
	case in.Start.IsZero():
		errs.Add("start", "validate.required")
	case in.End.IsZero():
		errs.Add("end", "validate.required")
	case !in.End.After(in.Start):
		errs.Add("end", "events.end_before_start")
	case in.End.Sub(in.Start) > maxDays*24*time.Hour:
		errs.Add("end", "events.too_long", maxDays)
	}
	switch {
	case in.OnlineURL != "" && (!webURL(in.OnlineURL) || len(in.OnlineURL) > maxURL):
		errs.Add("online_url", "events.url")
	case in.OnlineURL == "" && in.Type == TypeWebinar:
		errs.Add("online_url", "events.online_required")
	case in.OnlineURL == "" && in.Venue == "" && in.City == "":
		errs.Add("venue", "events.place_required")
	}
	if in.Capacity < 0 || in.Capacity > maxCapacity {
		errs.Add("capacity", "events.capacity_range", maxCapacity)
	}
	if in.PriceMember < 0 || in.PriceMember > maxPrice {
		errs.Add("price_member", "events.price_range")
	}
	if in.PriceNonMember < 0 || in.PriceNonMember > maxPrice {
		errs.Add("price_non_member", "events.price_range")
	}
	if !in.RegistrationOpens.IsZero() && !in.RegistrationCloses.IsZero() && !in.RegistrationCloses.After(in.RegistrationOpens) {
		errs.Add("registration_closes", "events.window")
	}
	if !in.RegistrationCloses.IsZero() && !in.End.IsZero() && in.RegistrationCloses.After(in.End) {
		errs.Add("registration_closes", "events.closes_after_end")
	}
	if !in.RegistrationOpens.IsZero() && !in.Start.IsZero() && !in.RegistrationOpens.Before(in.Start) {
		errs.Add("registration_opens", "events.opens_after_start")
	}
	return errs
}
