package calls

import (
	"context"
	"database/sql"
	"errors"

	"filiere/internal/db"
)

// getSession loads a session with its members, agenda and recusals.
func getSession(ctx context.Context, q db.Querier, id int64) (Session, error) {
	ss, err := sessionHead(ctx, q, id)
	if err != nil {
		return Session{}, err
	}
	ss.Items, err = sessionItems(ctx, q, id, 0)
	return ss, err
}

// sessionHead loads a session and its members, without the agenda.
func sessionHead(ctx context.Context, q db.Querier, id int64) (Session, error) {
	var ss Session
	err := scanSession(q.QueryRow(ctx, `SELECT id, title, held_at, place, quorum, status, notes, created_at, updated_at
		FROM committee_sessions WHERE id = ?`, id), &ss)
	if errors.Is(err, sql.ErrNoRows) {
		return Session{}, ErrNotFound
	}
	if err != nil {
		return Session{}, err
	}
	rows, err := q.Query(ctx, `SELECT m.expert_id, u.name, COALESCE(o.name, ''), m.present FROM session_members m
		JOIN experts e ON e.id = m.expert_id JOIN users u ON u.id = e.user_id
		LEFT JOIN organisations o ON o.id = e.affiliation_id WHERE m.session_id = ? ORDER BY u.name, m.expert_id`, id)
	if err != nil {
		return Session{}, err
	}
	defer rows.Close()
	for rows.Next() {
		var m Member
		var present int
		if err := rows.Scan(&m.ExpertID, &m.Name, &m.Affiliation, &present); err != nil {
			return Session{}, err
		}
		m.Present = present != 0
		ss.Members = append(ss.Members, m)
	}
	return ss, rows.Err()
}

// sessionItems loads a session's agenda with the applications and their
// recusals: all of it, or the one item of app (app ≠ 0; none when it is
// not on the agenda).
func sessionItems(ctx context.Context, q db.Querier, id, app int64) ([]Item, error) {
	where, args := "session_id = ?", []any{id}
	if app != 0 {
		where, args = where+" AND application_id = ?", append(args, app)
	}
	type itemRow struct {
		app     int64
		item    Item
		decided sql.NullTime
	}
	rows, err := q.Query(ctx, `SELECT application_id, position, decision, comment, voters, decided_at FROM session_items
		WHERE `+where+` ORDER BY position, application_id`, args...)
	if err != nil {
		return nil, err
	}
	var list []itemRow
	for rows.Next() {
		var r itemRow
		if err := rows.Scan(&r.app, &r.item.Position, &r.item.Decision, &r.item.Comment, &r.item.Voters, &r.decided); err != nil {
			rows.Close()
			return nil, err
		}
		r.item.DecidedAt = timeOf(r.decided)
		list = append(list, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	items := make([]Item, 0, len(list))
	for _, r := range list {
		a, err := getApplication(ctx, q, r.app)
		if err != nil {
			return nil, err
		}
		r.item.Application = a
		items = append(items, r.item)
	}
	rows, err = q.Query(ctx, `SELECT r.application_id, r.expert_id, u.name, r.reason FROM session_recusals r
		JOIN experts e ON e.id = r.expert_id JOIN users u ON u.id = e.user_id WHERE r.`+where+` ORDER BY u.name`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var a int64
		var r Recusal
		if err := rows.Scan(&a, &r.ExpertID, &r.Name, &r.Reason); err != nil {
			return nil, err
		}
		for i := range items {
			if items[i].Application.ID == a {
				items[i].Recused = append(items[i].Recused, r)
			}
		}
	}
	return items, rows.Err()
}
