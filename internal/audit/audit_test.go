package audit_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"filiere/internal/audit"
	"filiere/internal/db"
	"filiere/internal/db/dbtest"
)

func TestRecordKeepsActorAndBeforeAfterAndListFilters(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := audit.WithActor(context.Background(), audit.Actor{UserID: 7, Label: "camille@cluster.example", IP: "192.0.2.1"})
		type org struct{ Name string }
		err := d.Tx(ctx, func(tx *db.Tx) error {
			if err := audit.Record(ctx, tx, "organisation", 12, "update", org{"Old"}, org{"New"}); err != nil {
				return err
			}
			return audit.Record(audit.WithActor(ctx, audit.Actor{Label: "cli"}), tx, "user", 3, "create", nil, map[string]string{"email": "a@b.c"})
		})
		if err != nil {
			t.Fatal(err)
		}
		all, total, err := audit.List(ctx, d, audit.Filter{})
		if err != nil || total != 2 || len(all) != 2 {
			t.Fatalf("List: %d entries, total %d, err %v", len(all), total, err)
		}
		got, total, err := audit.List(ctx, d, audit.Filter{Entity: "organisation", Actor: "CAMILLE"})
		if err != nil || total != 1 {
			t.Fatalf("filtered: total %d err %v", total, err)
		}
		e := got[0]
		if e.ActorID != 7 || e.EntityID != "12" || e.Action != "update" || e.IP != "192.0.2.1" {
			t.Errorf("entry = %+v", e)
		}
		if !strings.Contains(e.Before, `"Old"`) || !strings.Contains(e.After, `"New"`) {
			t.Errorf("before/after = %s / %s", e.Before, e.After)
		}
		if time.Since(e.At) > time.Minute {
			t.Errorf("at = %v", e.At)
		}
		recent, err := audit.Recent(ctx, d, 1)
		if err != nil || len(recent) != 1 || recent[0].Entity != "user" {
			t.Errorf("Recent(1) = %+v, %v", recent, err)
		}
		ents, err := audit.Entities(ctx, d)
		if err != nil || strings.Join(ents, ",") != "organisation,user" {
			t.Errorf("Entities = %v, %v", ents, err)
		}
	})
}

func TestRecordWithoutActorIsSystem(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if err := audit.Record(ctx, d, "outbox", 1, "send", nil, nil); err != nil {
			t.Fatal(err)
		}
		got, _, err := audit.List(ctx, d, audit.Filter{Action: "send"})
		if err != nil || len(got) != 1 || got[0].Actor != "system" || got[0].Before != "" {
			t.Fatalf("got %+v, %v", got, err)
		}
	})
}
