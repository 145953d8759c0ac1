package web

import (
	"net/http"
	"time"

	"filiere/internal/notify"
)

// notificationsShown is how many of the latest notifications the page lists.
const notificationsShown = 100

type notificationsData struct {
	Items  []notify.Notification
	Unread int
}

// notifications lists the signed-in user's latest notifications.
func (s *Server) notifications(w http.ResponseWriter, r *http.Request) {
	items, unread, err := notify.List(r.Context(), s.DB, reqOf(r).user.ID, notificationsShown)
	if err != nil {
		s.fail(w, r, "notifications", err)
		return
	}
	s.render(w, r, http.StatusOK, "notifications", s.page(w, r, "notifications.title", notificationsData{Items: items, Unread: unread}))
}

// readNotifications marks all the user's notifications read.
func (s *Server) readNotifications(w http.ResponseWriter, r *http.Request) {
	if err := notify.MarkRead(r.Context(), s.DB, reqOf(r).user.ID, 0, time.Now()); err != nil {
		s.fail(w, r, "notifications", err)
		return
	}
	s.redirect(w, r, "/notifications", "notifications.flash.read")
}

// readNotification marks one of the user's notifications read and follows
// its link when it stays on this site. Another user's is not found.
func (s *Server) readNotification(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		s.notFound(w, r, false)
		return
	}
	u := reqOf(r).user
	items, _, err := notify.List(r.Context(), s.DB, u.ID, 200)
	if err != nil {
		s.fail(w, r, "notifications", err)
		return
	}
	var n *notify.Notification
	for i := range items {
		if items[i].ID == id {
			n = &items[i]
		}
	}
	if n == nil {
		s.notFound(w, r, false)
		return
	}
	if err := notify.MarkRead(r.Context(), s.DB, u.ID, id, time.Now()); err != nil {
		s.fail(w, r, "notifications", err)
		return
	}
	to := localPath(n.Link)
	if to == "" {
		to = "/notifications"
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}
