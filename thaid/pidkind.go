package thaid

// PersonKind is the kind of person a PID was issued to, read from its first
// digit (see Kind).
type PersonKind int

// Person kinds, one per first digit of a PID.
const (
	KindUnknown                  PersonKind = -1 // zero PID
	KindNonThai                  PersonKind = 0  // 0: not issued to Thai nationals
	KindThaiBornRegisteredOnTime PersonKind = 1  // 1: Thai, born from 1984, registered on time
	KindThaiBornRegisteredLate   PersonKind = 2  // 2: Thai, born from 1984, registered late
	KindHouseRegister1984        PersonKind = 3  // 3: in a house register when numbering began in 1984
	KindMovedIn1984              PersonKind = 4  // 4: moved in 1984 without a number yet
	KindMissedOrSpecial          PersonKind = 5  // 5: missed by the census, or special cases
	KindForeignerTemporary       PersonKind = 6  // 6: foreigner living in Thailand temporarily
	KindChildOfForeignerTemp     PersonKind = 7  // 7: child of group 6, born in Thailand
	KindForeignerPermanent       PersonKind = 8  // 8: foreigner living permanently, or naturalised Thai
)

var personKindNames = [...]string{
	"not issued to Thai nationals",
	"Thai national born from 1984, registered on time",
	"Thai national born from 1984, registered late",
	"in a house register when numbering began (1984)",
	"moved in 1984 without a number yet",
	"missed by the census or special case",
	"foreigner living in Thailand temporarily",
	"child of a temporary foreign resident, born in Thailand",
	"foreigner living permanently or naturalised Thai",
}

// String returns an English description of the kind.
func (k PersonKind) String() string {
	if k >= 0 && int(k) < len(personKindNames) {
		return personKindNames[k]
	}
	return "unknown"
}

// Kind returns the kind of person, from the first digit. The zero PID gives KindUnknown.
func (p PID) Kind() PersonKind {
	if p.digits == "" {
		return KindUnknown
	}
	return PersonKind(p.digits[0] - '0')
}
