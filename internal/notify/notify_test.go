package notify_test

import (
	"context"
	"testing"
	"time"

	"filiere/internal/db"
	"filiere/internal/db/dbtest"
	"filiere/internal/notify"
)

func TestNotificationsAreEachUsersOwnAndMarkedRead(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
		var a, b int64
		for _, u := range []*int64{&a, &b} {
			if err := d.QueryRow(ctx, "INSERT INTO users (email, name, role, created_at, updated_at) VALUES (?, 'x', 'member', ?, ?) RETURNING id",
				time.Now().String()+"@x.example", now, now).Scan(u); err != nil {
				t.Fatal(err)
			}
		}
		for i, key := range []string{"matchmaking.notice.new_need", "matchmaking.mail.accepted.notice"} {
			if err := notify.Add(ctx, d, a, key, []string{"B-2026-0001", "Stérilisation"}, "/needs/1", now.Add(time.Duration(i)*time.Minute)); err != nil {
				t.Fatal(err)
			}
		}
		if err := notify.Add(ctx, d, b, "matchmaking.notice.new_need", nil, "", now); err != nil {
			t.Fatal(err)
		}
		list, unread, err := notify.List(ctx, d, a, 10)
		if err != nil || unread != 2 || len(list) != 2 {
			t.Fatalf("list: %d unread, %d, %v", unread, len(list), err)
		}
		if got := list[1].Text("fr"); got != "Nouveau besoin B-2026-0001 : Stérilisation" {
			t.Errorf("oldest last, in French: %q", got)
		}
		if got := list[0].Text("en"); got != "B-2026-0001 is interested in your need Stérilisation" {
			t.Errorf("in English: %q", got)
		}
		// Marking another user's notification does nothing.
		if err := notify.MarkRead(ctx, d, b, list[0].ID, now); err != nil {
			t.Fatal(err)
		}
		if n, _ := notify.Unread(ctx, d, a); n != 2 {
			t.Errorf("another user marked a's notification: %d unread", n)
		}
		if err := notify.MarkRead(ctx, d, a, list[0].ID, now); err != nil {
			t.Fatal(err)
		}
		if n, _ := notify.Unread(ctx, d, a); n != 1 {
			t.Errorf("after one: %d unread", n)
		}
		if err := notify.MarkRead(ctx, d, a, 0, now); err != nil {
			t.Fatal(err)
		}
		if n, _ := notify.Unread(ctx, d, a); n != 0 {
			t.Errorf("after all: %d unread", n)
		}
		if n, _ := notify.Unread(ctx, d, b); n != 1 {
			t.Errorf("b's were touched: %d unread", n)
		}
	})
}
