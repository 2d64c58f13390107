DROP TABLE appointment_history;
DROP TABLE appointment_inquiries;
DROP TABLE appointments;
DROP TABLE slot_seats;
DROP TABLE consultation_point_operators;
DROP TABLE consultation_point_closures;
DROP TABLE consultation_points;
