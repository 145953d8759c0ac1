package mailtest_test

import (
	"context"
	"testing"

	"filiere/internal/db"
	"filiere/internal/db/dbtest"
	"filiere/internal/mail"
	"filiere/internal/mail/mailtest"
)

func TestOutboxListsWhatWasQueuedAfterAnID(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		var ids []int64
		for _, to := range []string{"a@x.example", "b@x.example"} {
			id, err := mail.Enqueue(ctx, d, mail.Message{To: to, Subject: "Objet " + to, Text: "Corps " + to})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, id)
		}
		all := mailtest.Outbox(t, d, 0)
		if len(all) != 2 || all[0].To != "a@x.example" || all[1].Subject != "Objet b@x.example" || all[1].Body != "Corps b@x.example" {
			t.Fatalf("outbox: %+v", all)
		}
		if later := mailtest.Outbox(t, d, ids[0]); len(later) != 1 || later[0].ID != ids[1] {
			t.Fatalf("after %d: %+v", ids[0], later)
		}
	})
}
