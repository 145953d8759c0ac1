package mail

// SetBatch changes how many messages a sender claims at once, so tests can
// make several batches out of a few messages.
func SetBatch(s *Sender, n int) { s.batch = n }
