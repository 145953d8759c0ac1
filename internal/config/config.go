// Package config holds every setting of filiere in one table: name, flag,
// FILIERE_* variable, default and help. Flags override the environment,
// which overrides the defaults. The README's table is checked against it.
package config

import (
	"flag"
	"fmt"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Option is one setting.
type Option struct {
	Flag    string // command-line flag, without dashes
	Env     string // environment variable
	Default string
	Help    string
}

// Options is the table of every setting, in the order the docs show them.
var Options = []Option{
	{"db", "FILIERE_DATABASE_URL", "sqlite://filiere.db", "Database URL: sqlite:///path/to/file.db or postgres://user@host:5432/dbname"},
	{"addr", "FILIERE_ADDR", "localhost:8080", "Address the HTTP server listens on"},
	{"base-url", "FILIERE_BASE_URL", "", "Public URL of the site, used in e-mailed links (default http://ADDR); https:// makes cookies Secure"},
	{"smtp-url", "FILIERE_SMTP_URL", "", "SMTP server for outgoing mail: smtp://user:pass@host:587 or smtps://…; empty keeps mail in the outbox"},
	{"mail-from", "FILIERE_MAIL_FROM", "filiere <no-reply@localhost>", "Sender address of outgoing mail"},
	{"log-format", "FILIERE_LOG_FORMAT", "text", "Log format: text or json"},
	{"log-level", "FILIERE_LOG_LEVEL", "info", "Log level: debug, info, warn or error"},
	{"cluster-name", "FILIERE_CLUSTER_NAME", "filiere", "Name of the cluster shown in pages and e-mails"},
	{"session-idle", "FILIERE_SESSION_IDLE", "2h", "A session unused this long expires"},
	{"session-max", "FILIERE_SESSION_MAX", "168h", "A session expires this long after login, used or not"},
	{"max-body", "FILIERE_MAX_BODY_BYTES", "10485760", "Largest request body accepted, in bytes"},
	{"trusted-proxies", "FILIERE_TRUSTED_PROXIES", "", "Comma-separated CIDRs of reverse proxies whose X-Forwarded-For names the client (login throttling, audit); empty trusts none"},
	{"metrics-token", "FILIERE_METRICS_TOKEN", "", "Bearer token that lets a Prometheus scraper read /metrics (staff sessions can always read it)"},
}

// Config is the parsed settings.
type Config struct {
	DatabaseURL  string
	Addr         string
	BaseURL      string
	SMTPURL      string
	MailFrom     string
	LogFormat    string
	LogLevel     string
	ClusterName  string
	SessionIdle  time.Duration
	SessionMax   time.Duration
	MaxBodyBytes int64
	MetricsToken string
	// TrustedProxies are the networks whose X-Forwarded-For header is believed.
	TrustedProxies []netip.Prefix
}

// Register adds every option's flag to fs; Parse reads them back.
func Register(fs *flag.FlagSet) map[string]*string {
	vals := make(map[string]*string, len(Options))
	for _, o := range Options {
		vals[o.Flag] = fs.String(o.Flag, "", o.Help+" (env "+o.Env+", default "+quoteDefault(o.Default)+")")
	}
	return vals
}

func quoteDefault(s string) string {
	if s == "" {
		return `""`
	}
	return s
}

// Resolve builds a Config from flag values (set when non-empty), then the
// environment (getenv), then defaults.
func Resolve(flags map[string]*string, getenv func(string) string) (Config, error) {
	get := func(name string) string {
		for _, o := range Options {
			if o.Flag != name {
				continue
			}
			if p := flags[name]; p != nil && *p != "" {
				return *p
			}
			if v := getenv(o.Env); v != "" {
				return v
			}
			return o.Default
		}
		panic("config: unknown option " + name)
	}
	c := Config{
		DatabaseURL:  get("db"),
		Addr:         get("addr"),
		BaseURL:      strings.TrimRight(get("base-url"), "/"),
		SMTPURL:      get("smtp-url"),
		MailFrom:     get("mail-from"),
		LogFormat:    get("log-format"),
		LogLevel:     get("log-level"),
		ClusterName:  get("cluster-name"),
		MetricsToken: get("metrics-token"),
	}
	var err error
	if c.SessionIdle, err = time.ParseDuration(get("session-idle")); err != nil {
		return c, fmt.Errorf("config: FILIERE_SESSION_IDLE: %w", err)
	}
	if c.SessionMax, err = time.ParseDuration(get("session-max")); err != nil {
		return c, fmt.Errorf("config: FILIERE_SESSION_MAX: %w", err)
	}
	if c.MaxBodyBytes, err = strconv.ParseInt(get("max-body"), 10, 64); err != nil || c.MaxBodyBytes <= 0 {
		return c, fmt.Errorf("config: FILIERE_MAX_BODY_BYTES must be a positive number of bytes")
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return c, fmt.Errorf("config: FILIERE_LOG_FORMAT must be text or json, not %q", c.LogFormat)
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		return c, fmt.Errorf("config: FILIERE_LOG_LEVEL must be debug, info, warn or error, not %q", c.LogLevel)
	}
	for _, part := range strings.Split(get("trusted-proxies"), ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		pfx, err := netip.ParsePrefix(part)
		if err != nil {
			addr, aerr := netip.ParseAddr(part)
			if aerr != nil {
				return c, fmt.Errorf("config: FILIERE_TRUSTED_PROXIES: %q is neither a CIDR nor an IP address", part)
			}
			pfx = netip.PrefixFrom(addr, addr.BitLen())
		}
		c.TrustedProxies = append(c.TrustedProxies, pfx.Masked())
	}
	if c.BaseURL == "" {
		c.BaseURL = "http://" + c.Addr
	}
	if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return c, fmt.Errorf("config: FILIERE_BASE_URL must be an http(s) URL, not %q", c.BaseURL)
	}
	return c, nil
}

// SecureCookies tells whether cookies must carry the Secure flag.
func (c Config) SecureCookies() bool { return strings.HasPrefix(c.BaseURL, "https://") }

// MarkdownTable renders the options as the README's configuration table.
func MarkdownTable() string {
	var b strings.Builder
	b.WriteString("| flag | environment | default | meaning |\n| --- | --- | --- | --- |\n")
	for _, o := range Options {
		def := "`" + o.Default + "`"
		if o.Default == "" {
			def = "(empty)"
		}
		fmt.Fprintf(&b, "| `--%s` | `%s` | %s | %s |\n", o.Flag, o.Env, def, o.Help)
	}
	return b.String()
}
