package analytics

import "time"

// Timeline is CampaignsTimeline for figures a store already summed per day:
// jobs created, Studio cards completed and DHIS2 cards, each as dated
// amounts (several amounts on one UTC day add up). One entry per day of the
// window, oldest first, days without activity at 0; Cards is Studio plus
// DHIS2. Negative amounts are read as 0. days outside 1–3650 is
// fault.Invalid naming "days".
func Timeline(now time.Time, days int, jobs, cards, dhis2 []Amount) ([]TimelineDay, error) {
	from, _, err := Window(now, days)
	if err != nil {
		return nil, err
	}
	out := make([]TimelineDay, days)
	for i := range out {
		out[i].Date = from.AddDate(0, 0, i)
	}
	for _, a := range jobs {
		if i := index(from, days, a.At); i >= 0 {
			out[i].Jobs += max(a.Value, 0)
		}
	}
	for _, a := range cards {
		if i := index(from, days, a.At); i >= 0 {
			out[i].Cards += max(a.Value, 0)
		}
	}
	for _, a := range dhis2 {
		if i := index(from, days, a.At); i >= 0 {
			out[i].DHIS2Cards += max(a.Value, 0)
			out[i].Cards += max(a.Value, 0)
		}
	}
	return out, nil
}
