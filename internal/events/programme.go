package events

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"filiere/internal/audit"
	"filiere/internal/db"
	"filiere/internal/validate"
)

// Limits of the programme.
const (
	maxSpeakers = 20
	maxName     = 200
	maxStand    = 40
)

func normaliseSession(in SessionInput) SessionInput {
	in.Title, in.Room = strings.TrimSpace(in.Title), strings.TrimSpace(in.Room)
	var speakers []Speaker
	for _, sp := range in.Speakers {
		sp.Name, sp.Organisation = strings.TrimSpace(sp.Name), strings.TrimSpace(sp.Organisation)
		if sp.Name != "" || sp.Organisation != "" {
			speakers = append(speakers, sp)
		}
	}
	in.Speakers = speakers
	in.Start, in.End = in.Start.UTC().Truncate(time.Microsecond), in.End.UTC().Truncate(time.Microsecond)
	return in
}

func validateSession(in SessionInput, e Event) error {
	var errs validate.Errors
	checkText(&errs, "title", in.Title, true, maxTitle)
	checkText(&errs, "room", in.Room, false, maxName)
	switch {
	case in.Start.IsZero():
		errs.Add("start", "validate.required")
	case in.End.IsZero():
		errs.Add("end", "validate.required")
	case !in.End.After(in.Start):
		errs.Add("end", "events.end_before_start")
	case in.Start.Before(e.Start) || in.End.After(e.End):
		errs.Add("start", "events.session_outside")
	}
	if len(in.Speakers) > maxSpeakers {
		errs.Add("speakers", "events.too_many", maxSpeakers)
	}
	for _, sp := range in.Speakers {
		if sp.Name == "" {
			errs.Add("speakers", "events.speaker_name")
			break
		}
		if len(sp.Name) > maxName || len(sp.Organisation) > maxName {
			errs.Add("speakers", "validate.too_long", maxName)
			break
		}
	}
	return errs.Err()
}

// AddSession adds a session to an event's agenda (staff). It must lie
// within the event.
func (s *Service) AddSession(ctx context.Context, eventID int64, in SessionInput) (Session, error) {
	in = normaliseSession(in)
	var ss Session
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		e, err := lockEvent(ctx, tx, eventID)
		if err != nil {
			return err
		}
		if err := validateSession(in, e); err != nil {
			return err
		}
		ss = Session{EventID: eventID, Title: in.Title, Start: in.Start, End: in.End, Room: in.Room, Speakers: in.Speakers}
		if err := tx.QueryRow(ctx, "INSERT INTO event_sessions (event_id, title, starts_at, ends_at, room) VALUES (?, ?, ?, ?, ?) RETURNING id",
			eventID, ss.Title, ss.Start, ss.End, ss.Room).Scan(&ss.ID); err != nil {
			return err
		}
		if err := writeSpeakers(ctx, tx, ss); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "event_session", ss.ID, "create", nil, ss)
	})
	if err != nil {
		return Session{}, fmt.Errorf("events: add session: %w", err)
	}
	return ss, nil
}

// UpdateSession changes a session (staff).
func (s *Service) UpdateSession(ctx context.Context, id int64, in SessionInput) (Session, error) {
	in = normaliseSession(in)
	var ss Session
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		before, err := getSession(ctx, tx, id)
		if err != nil {
			return err
		}
		e, err := lockEvent(ctx, tx, before.EventID)
		if err != nil {
			return err
		}
		if err := validateSession(in, e); err != nil {
			return err
		}
		ss = Session{ID: id, EventID: e.ID, Title: in.Title, Start: in.Start, End: in.End, Room: in.Room, Speakers: in.Speakers}
		if _, err := tx.Exec(ctx, "UPDATE event_sessions SET title = ?, starts_at = ?, ends_at = ?, room = ? WHERE id = ?",
			ss.Title, ss.Start, ss.End, ss.Room, id); err != nil {
			return err
		}
		if err := writeSpeakers(ctx, tx, ss); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "event_session", id, "update", before, ss)
	})
	if err != nil {
		return Session{}, fmt.Errorf("events: update session: %w", err)
	}
	return ss, nil
}

// DeleteSession removes a session (staff).
func (s *Service) DeleteSession(ctx context.Context, id int64) error {
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		before, err := getSession(ctx, tx, id)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "DELETE FROM event_sessions WHERE id = ?", id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "event_session", id, "delete", before, nil)
	})
	if err != nil {
		return fmt.Errorf("events: delete session: %w", err)
	}
	return nil
}

func writeSpeakers(ctx context.Context, q db.Querier, ss Session) error {
	if _, err := q.Exec(ctx, "DELETE FROM event_speakers WHERE session_id = ?", ss.ID); err != nil {
		return err
	}
	for i, sp := range ss.Speakers {
		if _, err := q.Exec(ctx, "INSERT INTO event_speakers (session_id, position, name, organisation) VALUES (?, ?, ?, ?)",
			ss.ID, i, sp.Name, sp.Organisation); err != nil {
			return err
		}
	}
	return nil
}

func getSession(ctx context.Context, q db.Querier, id int64) (Session, error) {
	list, err := sessions(ctx, q, "id = ?", id)
	if err != nil {
		return Session{}, err
	}
	if len(list) == 0 {
		return Session{}, db.ErrNotFound
	}
	return list[0], nil
}

// Sessions returns an event's agenda, in time order.
func (s *Service) Sessions(ctx context.Context, eventID int64) ([]Session, error) {
	return sessions(ctx, s.db, "event_id = ?", eventID)
}

// Session returns one session.
func (s *Service) Session(ctx context.Context, id int64) (Session, error) {
	return getSession(ctx, s.db, id)
}

func sessions(ctx context.Context, q db.Querier, cond string, args ...any) ([]Session, error) {
	rows, err := q.Query(ctx, "SELECT id, event_id, title, starts_at, ends_at, room FROM event_sessions WHERE "+cond+
		" ORDER BY starts_at, ends_at, id", args...)
	if err != nil {
		return nil, fmt.Errorf("events: read sessions: %w", err)
	}
	var out []Session
	at := map[int64]int{}
	for rows.Next() {
		var ss Session
		if err := rows.Scan(&ss.ID, &ss.EventID, &ss.Title, &ss.Start, &ss.End, &ss.Room); err != nil {
			rows.Close()
			return nil, fmt.Errorf("events: read sessions: %w", err)
		}
		ss.Start, ss.End = ss.Start.UTC(), ss.End.UTC()
		at[ss.ID] = len(out)
		out = append(out, ss)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
	}
	ids := make([]any, len(out))
	for i, ss := range out {
		ids[i] = ss.ID
	}
	rows, err = q.Query(ctx, "SELECT session_id, name, organisation FROM event_speakers WHERE session_id IN ("+placeholders(len(ids))+
		") ORDER BY session_id, position", ids...)
	if err != nil {
		return nil, fmt.Errorf("events: read speakers: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var sp Speaker
		if err := rows.Scan(&id, &sp.Name, &sp.Organisation); err != nil {
			return nil, fmt.Errorf("events: read speakers: %w", err)
		}
		out[at[id]].Speakers = append(out[at[id]].Speakers, sp)
	}
	return out, rows.Err()
}

// AddRecording puts a recording of an event online (staff), once the
// event has begun.
func (s *Service) AddRecording(ctx context.Context, eventID int64, title, link string) (Recording, error) {
	title, link = strings.TrimSpace(title), strings.TrimSpace(link)
	var errs validate.Errors
	checkText(&errs, "title", title, true, maxTitle)
	if link == "" {
		errs.Add("url", "validate.required")
	} else if !webURL(link) || len(link) > maxURL {
		errs.Add("url", "events.url")
	}
	if err := errs.Err(); err != nil {
		return Recording{}, err
	}
	rec := Recording{EventID: eventID, Title: title, URL: link, CreatedAt: s.stamp()}
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		e, err := lockEvent(ctx, tx, eventID)
		if err != nil {
			return err
		}
		if !e.Started(s.Now()) {
			errs.Add("url", "events.recording_before_event")
			return errs
		}
		if err := tx.QueryRow(ctx, "INSERT INTO event_recordings (event_id, title, url, created_at) VALUES (?, ?, ?, ?) RETURNING id",
			eventID, rec.Title, rec.URL, rec.CreatedAt).Scan(&rec.ID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "event_recording", rec.ID, "create", nil, rec)
	})
	if err != nil {
		return Recording{}, fmt.Errorf("events: add recording: %w", err)
	}
	return rec, nil
}

// DeleteRecording removes a recording (staff).
func (s *Service) DeleteRecording(ctx context.Context, id int64) error {
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		var rec Recording
		err := tx.QueryRow(ctx, "SELECT id, event_id, title, url, created_at FROM event_recordings WHERE id = ?", id).
			Scan(&rec.ID, &rec.EventID, &rec.Title, &rec.URL, &rec.CreatedAt)
		if errors.Is(err, sql.ErrNoRows) {
			return db.ErrNotFound
		}
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "DELETE FROM event_recordings WHERE id = ?", id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "event_recording", id, "delete", rec, nil)
	})
	if err != nil {
		return fmt.Errorf("events: delete recording: %w", err)
	}
	return nil
}

// Recordings returns an event's recordings, oldest first.
func (s *Service) Recordings(ctx context.Context, eventID int64) ([]Recording, error) {
	rows, err := s.db.Query(ctx, "SELECT id, event_id, title, url, created_at FROM event_recordings WHERE event_id = ? ORDER BY created_at, id", eventID)
	if err != nil {
		return nil, fmt.Errorf("events: recordings: %w", err)
	}
	defer rows.Close()
	var out []Recording
	for rows.Next() {
		var rec Recording
		if err := rows.Scan(&rec.ID, &rec.EventID, &rec.Title, &rec.URL, &rec.CreatedAt); err != nil {
			return nil, fmt.Errorf("events: recordings: %w", err)
		}
		rec.CreatedAt = rec.CreatedAt.UTC()
		out = append(out, rec)
	}
	return out, rows.Err()
}

// loadProgramme fills an event's sessions, exhibitors, sponsors and
// recordings.
func (s *Service) loadProgramme(ctx context.Context, e *Event) error {
	var err error
	if e.Sessions, err = s.Sessions(ctx, e.ID); err != nil {
		return err
	}
	if e.Exhibitors, err = s.Exhibitors(ctx, e.ID); err != nil {
		return err
	}
	if e.Sponsors, err = s.Sponsors(ctx, e.ID); err != nil {
		return err
	}
	e.Recordings, err = s.Recordings(ctx, e.ID)
	return err
}
